import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
// An absolute URL, so the child finds tsx whatever its working directory is.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

/** A message between the test and a child: `{ type, ...details }`. */
export interface ChildMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A real Node process running a TypeScript file under tsx, talked to over IPC. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next message of one of these types (messages that arrived earlier count). */
  next(...types: string[]): Promise<ChildMessage>;
  send(message: ChildMessage): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `script` (an absolute path) in a new Node process with `args` as JSON in argv[2]. The child
 * inherits the environment, so it finds the learner's code through CHRONICLE_EXERCISE_SRC.
 */
export function startChild(script: string, args: Record<string, unknown>): Child {
  const child = fork(script, [JSON.stringify(args)], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: ChildMessage[] = [];
  const waiting: { types: string[]; resolve: (m: ChildMessage) => void }[] = [];
  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    const index = waiting.findIndex((w) => w.types.includes(message.type));
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
    next(...types) {
      const index = inbox.findIndex((m) => types.includes(m.type));
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0]!);
      return new Promise((resolve, reject) => {
        waiting.push({ types, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `child exited (code ${code}, signal ${signal}) before sending '${types.join("' or '")}'`,
            ),
          ),
        );
      });
    },
  };
}

/** The learner's module `name` (e.g. `'02-my-event-store'`), for a child process to import. */
export function exerciseModuleUrl(name: string): string {
  const src = process.env.CHRONICLE_EXERCISE_SRC;
  if (src === undefined || src === '') {
    throw new Error('CHRONICLE_EXERCISE_SRC is not set: run the tests through vitest (pnpm workshop)');
  }
  return pathToFileURL(`${src}${name}.ts`).href;
}

/** In a child: sends a message and resolves once it is on its way. */
export const sendToParent = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    process.send!(message, () => resolve());
  });

/** In a child: resolves with the next message of this type from the test. */
export const receiveFromParent = (type: string): Promise<ChildMessage> =>
  new Promise((resolve) => {
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== type) return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });
