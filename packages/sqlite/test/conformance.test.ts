import { rmSync } from 'node:fs';
import { runEventStoreConformance } from '@chronicle/conformance';
import type { ReadWriteEventStore } from '@chronicle/core';
import { afterAll } from 'vitest';
import { createSqliteEventStore, type SqliteEventStore, type SqliteSchemaProfile } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('conformance');
afterAll(() => temp.cleanup());

const fileOf = (store: ReadWriteEventStore): string => (store as SqliteEventStore).database.name;
/** Counts stored rows with plain SQL, bypassing the adapter, for the suite's "nothing written" checks. */
const rawEventCount = (store: ReadWriteEventStore): number =>
  Number(
    ((store as SqliteEventStore).database.prepare('SELECT count(*) AS n FROM events').get() as { n: number })
      .n,
  );

runEventStoreConformance({
  name: 'sqlite (:memory:)',
  createStore: (options) => createSqliteEventStore({ ...options, filename: ':memory:' }),
  rawEventCount,
  capabilities: { subscriptions: true, projections: true },
});

/** The suite on a file, with the durability tests; `schemaProfile` only for the first open. */
function runOnFile(name: string, schemaProfile?: SqliteSchemaProfile): void {
  runEventStoreConformance({
    name,
    createStore: (options) =>
      createSqliteEventStore({ ...options, filename: temp.file(), ...(schemaProfile && { schemaProfile }) }),
    // Reopened with defaults: the file keeps its profile.
    reopen: async (store) => {
      await store.close();
      return createSqliteEventStore({ filename: fileOf(store) });
    },
    dispose: async (store) => {
      await store.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${fileOf(store)}${suffix}`, { force: true });
    },
    rawEventCount,
    capabilities: { persistent: true, subscriptions: true, projections: true },
  });
}

runOnFile('sqlite (file)');
// The lean schema profile (no secondary indexes, no no-replace probes) keeps the whole contract.
runOnFile('sqlite (file, lean profile)', 'lean');
