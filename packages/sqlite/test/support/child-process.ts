import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
// An absolute URL, so the child finds tsx whatever its working directory is.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A message a child sends: `{ type, ...details }`. */
export interface ChildMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A real Node process running a fixture (default `fixtures/store-child.ts`) under tsx, talked to over IPC. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next message of this type (messages that arrived earlier count). */
  next(type: string): Promise<ChildMessage>;
  send(message: ChildMessage): void;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(
  mode: string,
  args: Record<string, string | number>,
  script = 'store-child.ts',
): Child {
  const child = fork(fixture(script), [mode, JSON.stringify(args)], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
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
