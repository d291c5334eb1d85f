/**
 * A child process of the 10-confirmation-mails tests: runs the learner's mailer on the test's store
 * and outbox, and kills itself with SIGKILL as the processor is about to save checkpoint number
 * `crashAtSave` — after the batch's mails are queued, before the checkpoint says so: a real crash
 * in the worst place.
 */
import type { Processor, SubscribableEventStore } from '@chronicle/core';
import {
  exerciseModuleUrl,
  openStoreAt,
  type StoreLocation,
  sendToParent,
} from '@chronicle/exercise-support';
import type Database from 'better-sqlite3';

interface Args {
  location: StoreLocation;
  outboxFile: string;
  options: Record<string, unknown>;
  crashAtSave: number;
  /** The last position of the log, as a decimal string. */
  head: string;
}

interface MailerModule {
  startConfirmationMails(
    store: SubscribableEventStore,
    outbox: Database.Database,
    options: Record<string, unknown>,
  ): Processor;
}

interface OutboxModule {
  openMailOutbox(filename: string): Database.Database;
}

/** The store as it is, except that its checkpoint store crashes the process on the n-th save. */
function crashingAtSave(store: SubscribableEventStore, n: number): SubscribableEventStore {
  let saves = 0;
  const checkpoints = new Proxy(store.checkpoints, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'save') return value.bind(target);
      return (...args: unknown[]) => {
        saves++;
        if (saves === n) process.kill(process.pid, 'SIGKILL');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'checkpoints') return checkpoints;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const store = (await openStoreAt(args.location)) as SubscribableEventStore;
try {
  const { openMailOutbox } = (await import(exerciseModuleUrl('mail-outbox'))) as OutboxModule;
  const { startConfirmationMails } = (await import(
    exerciseModuleUrl('10-confirmation-mails')
  )) as MailerModule;
  const mailer = startConfirmationMails(
    crashingAtSave(store, args.crashAtSave),
    openMailOutbox(args.outboxFile),
    args.options,
  );
  await mailer.whenProcessed(BigInt(args.head), { timeoutMs: 30_000 });
  await mailer.stop();
  await sendToParent({ type: 'finished' });
} catch (error) {
  await sendToParent({
    type: 'failed',
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
} finally {
  await store.close();
  process.disconnect();
}
