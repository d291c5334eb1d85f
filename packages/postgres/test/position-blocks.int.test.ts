import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { PostgresEventStore } from '../src/index';
import { MIGRATIONS } from '../src/schema/migrations';
import { POSITION_INDEX_BITS } from '../src/schema/positions';
import {
  type AppendFunction,
  createReleasedSchema,
  describePostgres,
  everyPath,
  freshSchemaName,
  rawAppend,
  useStores,
} from './support/postgres';

const BLOCK = 2n ** BigInt(POSITION_INDEX_BITS);
const blockOf = (position: bigint): bigint => position / BLOCK;

for (const via of everyPath) {
  describePostgres(
    'postgres store: every append writes positions in a block of its own',
    () => {
      const stores = useStores('blocks', via);

      /** A schema exactly as version 1 (the first release) left it. */
      async function createVersionOneSchema(): Promise<string> {
        const schema = freshSchemaName('blocks_v1');
        await createReleasedSchema(stores.pool, schema, 1);
        return schema;
      }

      /**
       * Forces the hot-stream collision: a transaction with a lower id queues (here: appends late) on a
       * stream behind a higher one's 56,000-event batch; its own 10,000 events no longer fit in the rest
       * of that block, and the next block's first position is taken (as the next transaction id's first
       * append would take it). Returns what the late append did.
       */
      async function overflowBehindABigBatch(
        store: PostgresEventStore,
        streamId: string,
        fn: AppendFunction,
      ) {
        const stream = { aggregateType: 'Hot', aggregateId: streamId };
        const low = await stores.pool.connect();
        try {
          await low.query('BEGIN');
          await low.query('SELECT pg_current_xact_id()');
          const big = Array.from({ length: 56_000 }, (_, i) => `${streamId}-big-${i}`);
          const first =
            fn === 'jsonb'
              ? await store.append(
                  stream,
                  'any',
                  big.map((eventId, i) => ({ eventType: 'Big', eventData: { i }, eventId })),
                )
              : {
                  firstPosition: (
                    await rawAppend(stores.pool, store.schema, stream, 'any', big, undefined, fn)
                  ).firstPosition!,
                };
          const taken = (blockOf(first.firstPosition) + 1n) * BLOCK;
          await stores.pool.query(
            `INSERT INTO "${store.schema}".events (position, event_id, aggregate_type, aggregate_id, version, ` +
              `event_type, event_data, schema_version, occurred_at) VALUES ($1, $2, 'Other', $2, 1, 'Taken', '{}', 1, now())`,
            [taken.toString(), randomUUID()],
          );
          const ids = Array.from({ length: 10_000 }, (_, i) => `${streamId}-late-${i}`);
          const outcome = await rawAppend(low, store.schema, stream, 'any', ids, undefined, fn).then(
            (result) => ({ result }),
            (error: unknown) => ({ error: error as Error & { code?: string; constraint?: string } }),
          );
          await low.query('error' in outcome ? 'ROLLBACK' : 'COMMIT');
          return { ...outcome, first, taken };
        } finally {
          low.release();
        }
      }

      it('version 1 collides on events_pkey; after migrate() (version 2 and later) the same overflow takes a fresh block', async () => {
        const schema = await createVersionOneSchema();
        const store = stores.create({ schema, autoMigrate: false });

        // The fault, reproduced on the schema the first release created (its one append function).
        const before = await overflowBehindABigBatch(store, 'old', 'arrays');
        expect('error' in before && before.error).toMatchObject({ code: '23505', constraint: 'events_pkey' });

        expect(await store.migrate()).toMatchObject({
          version: MIGRATIONS.length,
          applied: MIGRATIONS.map((m) => m.version).slice(1),
        });
        // Both functions of the migrated schema: the store's, and the one older releases call.
        const afterArrays = await overflowBehindABigBatch(store, 'arrays', 'arrays');
        if ('error' in afterArrays) throw afterArrays.error;
        expect(blockOf(afterArrays.result.firstPosition!) > blockOf(afterArrays.taken)).toBe(true);
        const after = await overflowBehindABigBatch(store, 'new', 'jsonb');
        if ('error' in after) throw after.error;
        const late = after.result.firstPosition!;
        // Above the taken position, in a block of its own (a subtransaction's id, assigned after it).
        expect(late > after.taken).toBe(true);
        expect(blockOf(late) > blockOf(after.taken)).toBe(true);
        expect(late % BLOCK).toBe(0n);

        // The stream reads back gapless, positions rising with versions; the log holds each event once.
        const { rows } = await stores.pool.query(
          `SELECT count(*)::int AS n, min(version) AS lo, max(version) AS hi, ` +
            `bool_and(position > prev) AS rising FROM (SELECT version, position, ` +
            `lag(position, 1, -1::bigint) OVER (ORDER BY version) AS prev FROM "${schema}".events ` +
            `WHERE aggregate_type = 'Hot' AND aggregate_id = 'new') v`,
        );
        expect(rows[0]).toEqual({ n: 66_000, lo: 1, hi: 66_000, rising: true });
        let count = 0;
        let previous = -1n;
        for await (const event of store.readAll({ aggregateTypes: ['Hot'], batchSize: 5000 })) {
          expect(event.position > previous).toBe(true);
          previous = event.position;
          if (event.aggregateId === 'new') count++;
        }
        expect(count).toBe(66_000);
      }, 120_000);

      it('a batch that fits behind the last position continues there, in the same block', async () => {
        const store = stores.create();
        const stream = { aggregateType: 'Hot', aggregateId: 'fits' };
        const low = await stores.pool.connect();
        try {
          await low.query('BEGIN');
          await low.query('SELECT pg_current_xact_id()');
          const first = await store.append(stream, 'any', [{ eventType: 'A', eventData: {} }]);
          const late = await rawAppend(low, store.schema, stream, 'any', ['fits-late-1', 'fits-late-2']);
          await low.query('COMMIT');
          expect(late.firstPosition).toBe(first.lastPosition + 1n);
        } finally {
          low.release();
        }
      });
    },
    via,
  );
}
