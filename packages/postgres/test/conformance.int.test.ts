import { runEventStoreConformance } from '@chronicle/conformance';
import type { EventStoreOptions, ReadWriteEventStore } from '@chronicle/core';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore, type PostgresSchemaProfile } from '../src/index';
import {
  appendInOpenTransaction,
  describePostgres,
  direct,
  everyPath,
  freshSchemaName,
  type Via,
} from './support/postgres';

// Once straight to the server, once more through PgBouncer in transaction mode, and once more
// straight to a lean schema (no event-type index: filtered reads scan, and must answer the same).
const runs: { via: Via; schemaProfile?: PostgresSchemaProfile }[] = [
  ...everyPath.map((via) => ({ via })),
  { via: direct, schemaProfile: 'lean' },
];
for (const { via, schemaProfile } of runs) {
  // One pool for the whole suite, with real parallel connections: concurrent appends in the suite run
  // on different backends, so the concurrency tests prove the database's locking, not the event loop.
  const pool = new pg.Pool({ connectionString: via.target.url ?? undefined, max: 8 });
  pool.on('error', () => {});
  const optionsOf = new WeakMap<ReadWriteEventStore, EventStoreOptions>();

  // The backdoor counts on a connection of its own, straight to the server (never through the
  // store): the conformance suite's "nothing written" checks then do not trust the store's reads.
  const raw = new pg.Pool({ connectionString: direct.target.url ?? undefined, max: 2 });
  raw.on('error', () => {});
  afterAll(async () => {
    await pool.end();
    await raw.end();
  });
  const rawEventCount = async (store: ReadWriteEventStore): Promise<number> => {
    const { schema } = store as PostgresEventStore;
    const { rows } = await raw.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events`);
    return Number(rows[0]!.n);
  };

  const open = (schema: string, options: EventStoreOptions = {}): PostgresEventStore => {
    const store = createPostgresEventStore({
      ...via.settings,
      ...options,
      schema,
      pool,
      ...(schemaProfile === undefined ? {} : { schemaProfile }),
    });
    optionsOf.set(store, options);
    return store;
  };

  // Inside describePostgres: without a server the whole suite is skipped, with the reason in its name.
  describePostgres(
    '@chronicle/conformance',
    () => {
      runEventStoreConformance({
        name:
          (via.name === 'direct' ? 'postgres' : `postgres through ${via.name}`) +
          (schemaProfile === undefined ? '' : ` (${schemaProfile} schema)`),
        createStore: async (options) => {
          const store = open(freshSchemaName('conf'), options);
          await store.migrate();
          return store;
        },
        dispose: async (store) => {
          await store.close();
          await pool.query(`DROP SCHEMA IF EXISTS "${(store as PostgresEventStore).schema}" CASCADE`);
        },
        reopen: async (store) => {
          await store.close();
          return open((store as PostgresEventStore).schema, optionsOf.get(store));
        },
        rawEventCount,
        appendInOpenTransaction: appendInOpenTransaction(pool),
        capabilities: {
          persistent: true,
          concurrentWriters: true,
          storeOptions: true,
          subscriptions: true,
          outOfOrderCommits: true,
          projections: true,
        },
      });
    },
    via,
  );
}
