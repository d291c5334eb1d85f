import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
// An absolute URL, so the child finds tsx whatever its working directory is.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

/** A message between the test and a child: `{ type, ...details }`. */
export interface ChildMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A real Node process running `fixtures/<script>` under tsx, talked to over IPC. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next message of this type (one that arrived earlier counts); rejects if the child exits first. */
  next(type: string): Promise<ChildMessage>;
  send(message: ChildMessage): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(script: string, args: Record<string, string | number>): Child {
  const child = fork(
    fileURLToPath(new URL(`../fixtures/${script}`, import.meta.url)),
    [JSON.stringify(args)],
    {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const inbox: ChildMessage[] = [];
  const waiting: { type: string; resolve: (m: ChildMessage) => void }[] = [];
  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    const index = waiting.findIndex((w) => w.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    exited,
    send: (message) => child.send(message),
    next(type) {
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0]!);
      return new Promise((resolve, reject) => {
        waiting.push({ type, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (code ${code}, signal ${signal}) before sending '${type}'`)),
        );
      });
    },
  };
}
