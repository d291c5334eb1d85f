import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A message between the test and a child: `{ type, ...details }`. */
export type ChildMessage = { readonly type: string; readonly [key: string]: unknown };

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const script = fileURLToPath(new URL('../fixtures/processor-child.ts', import.meta.url));

/**
 * A real Node process running `fixtures/processor-child.ts` (one processor on a schema) under tsx,
 * talked to over IPC. `next(type)` resolves with the next message of that type, counting messages
 * that arrived before it was asked; it rejects when the process exits first.
 */
export class ProcessorChild {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly inbox: ChildMessage[] = [];
  private readonly waiting: { type: string; resolve: (message: ChildMessage) => void }[] = [];

  constructor(args: Record<string, string | number>) {
    this.process = fork(script, [JSON.stringify(args)], {
      execArgv: ['--import', tsx],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (message: ChildMessage) => {
      const index = this.waiting.findIndex((w) => w.type === message.type);
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(message);
      else this.inbox.push(message);
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  next(type: string): Promise<ChildMessage> {
    const index = this.inbox.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      this.waiting.push({ type, resolve });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`child exited (code ${code}, signal ${signal}) before sending '${type}'`)),
      );
    });
  }

  send(message: ChildMessage): void {
    this.process.send(message);
  }

  /** Every message of `type`, as it arrives, into `into`. */
  record(type: string, into: ChildMessage[]): void {
    this.process.on('message', (m: ChildMessage) => {
      if (m.type === type) into.push(m);
    });
  }
}
