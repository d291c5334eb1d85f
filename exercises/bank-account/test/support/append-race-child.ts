/**
 * A child process of the 02-append tests, appending through the learner's MyEventStore.
 *
 * - mode `race`: appends `rounds` events, one at a time, to a stream another process appends to as
 *   well. Each round reads the version and appends at it; a ConcurrencyError (the other process got
 *   there first) means: read again and retry. Any other error is a failure of the store.
 * - mode `once`: on `go`, appends one event at `expectedVersion` and reports how that ended.
 */
import { isConcurrencyError } from '@chronicle/core';
import { exerciseModuleUrl, receiveFromParent, sendToParent } from '@chronicle/exercise-support';
import Database from 'better-sqlite3';

interface Args {
  mode: 'race' | 'once';
  filename: string;
  aggregateId: string;
  child: number;
  rounds: number;
  expectedVersion: number;
}

interface StoreModule {
  MyEventStore: new (
    db: Database.Database,
  ) => {
    append(type: string, id: string, expected: number, events: readonly object[]): Promise<number>;
    getVersion(id: string): Promise<number>;
  };
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const { MyEventStore } = (await import(exerciseModuleUrl('02-my-event-store'))) as StoreModule;
const db = new Database(args.filename);
const store = new MyEventStore(db);
await sendToParent({ type: 'ready' });
await receiveFromParent('go');

if (args.mode === 'once') {
  try {
    const version = await store.append('Counter', args.aggregateId, args.expectedVersion, [
      { eventType: 'Ticked', eventData: { child: args.child } },
    ]);
    await sendToParent({ type: 'done', version });
  } catch (error) {
    const { name, message, actualVersion } = error as {
      name?: string;
      message?: string;
      actualVersion?: number;
    };
    await sendToParent({
      type: 'done',
      error: { name, message, concurrency: isConcurrencyError(error), actualVersion },
    });
  }
  db.close();
  process.disconnect();
  process.exit(0);
}

let conflicts = 0;
const errors: string[] = [];
let appended = 0;
while (appended < args.rounds && errors.length === 0) {
  try {
    const version = await store.getVersion(args.aggregateId);
    await store.append('Counter', args.aggregateId, version, [
      { eventType: 'Ticked', eventData: { child: args.child, n: appended } },
    ]);
    appended++;
  } catch (error) {
    if (isConcurrencyError(error)) conflicts++;
    else errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}
db.close();
await sendToParent({ type: 'done', appended, conflicts, errors });
process.disconnect();
