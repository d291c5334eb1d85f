import {
  type AggregateEvent,
  defineProjection,
  isCheckpointConflictError,
  isConcurrencyError,
  isProjectionError,
  type ProjectionDefinition,
} from '@chronicle/core';
import type pg from 'pg';
import { expect, it } from 'vitest';
import { createPostgresEventStore } from '../src/index';
import { describePostgres, everyPath, freshSchemaName, useStores } from './support/postgres';
import { countingRoundTrips } from './support/round-trips';

type AccountEvent = AggregateEvent<'Deposited', { amount: number }>;
type Balance = { total: number; version: number };
const stream = { aggregateType: 'Account', aggregateId: 'a-1' };
const at = { projection: 'balances', version: 1, collection: 'balances' };
const deposit = (amount: number, eventId?: string) => [
  { eventType: 'Deposited', eventData: { amount }, ...(eventId && { eventId }) },
];

/** A balance per account; `read: false` writes without reading (the fixed cost of the path). */
function balances(options: { seen?: string[]; failOn?: number; read?: boolean } = {}): ProjectionDefinition {
  return defineProjection<AccountEvent>({
    name: 'balances',
    version: 1,
    handlers: {
      async Deposited(event, { documents, raw }) {
        options.seen?.push(event.eventId);
        const collection = documents<Balance>('balances');
        const current = options.read === false ? undefined : await collection.get(event.aggregateId);
        await collection.put(event.aggregateId, {
          total: (current?.total ?? 0) + event.eventData.amount,
          version: event.version,
        });
        if (event.eventData.amount === options.failOn) {
          // The raw escape hatch is the connection inside the same transaction.
          await (raw as pg.ClientBase).query('SELECT 1');
          throw new Error('projection bug');
        }
      },
    },
  }) as unknown as ProjectionDefinition;
}

for (const via of everyPath) {
  describePostgres(
    'projections on PostgreSQL',
    () => {
      const stores = useStores('projsql_proj', via);
      const stored = async (store: {
        projections: { documents: { get(a: typeof at, id: string): Promise<string | undefined> } };
      }) => {
        const json = await store.projections.documents.get(at, 'a-1');
        return json === undefined ? undefined : (JSON.parse(json) as Balance);
      };

      it('inline: commit with the append, one round trip more than a plain append; a throw leaves nothing', async () => {
        const schema = freshSchemaName('projsql_inline');
        await stores.create({ schema }).migrate();
        const { counter, pool } = countingRoundTrips(stores.pool);
        // The appends' own round trips: the NOTIFY each store sends after a commit (shared, not
        // awaited by the append) is left out of the count.
        const plain = createPostgresEventStore({ ...via.settings, pool, schema, notify: false });
        const store = createPostgresEventStore({
          ...via.settings,
          pool,
          schema,
          notify: false,
          inlineProjections: [balances({ read: false, failOn: 13 })],
        });
        await store.append(stream, 0, deposit(5)); // starts the projection (its version row)
        counter.roundTrips = 0;
        await store.append(stream, 1, deposit(7));
        const inline = counter.roundTrips;
        await plain.append({ aggregateType: 'Other', aggregateId: 'o' }, 0, deposit(1)); // its schema gate
        counter.roundTrips = 0;
        await plain.append({ aggregateType: 'Other', aggregateId: 'o' }, 1, deposit(1));
        expect({ inline, plain: counter.roundTrips }).toEqual({ inline: 2, plain: 1 });
        expect(await stored(store)).toEqual({ total: 7, version: 2 });
        await expect(store.append(stream, 2, deposit(13))).rejects.toSatisfy(isProjectionError);
        expect(await store.getStreamVersion(stream)).toBe(2);
        expect(await stored(store)).toEqual({ total: 7, version: 2 });
        await plain.close();
        await store.close();
      });

      it('inline: a repeated append answers as before and applies nothing; a refused one neither', async () => {
        const seen: string[] = [];
        const schema = freshSchemaName('projsql_repeat');
        await stores.create({ schema }).migrate();
        const store = createPostgresEventStore({
          ...via.settings,
          pool: stores.pool,
          schema,
          inlineProjections: [balances({ seen })],
        });
        const first = await store.append(stream, 0, deposit(5, 'e-1'));
        expect(await store.append(stream, 0, deposit(5, 'e-1'))).toEqual(first);
        // 'any' passes the version check: the id collides inside the transaction (a unique
        // violation), and the appender still answers by the idempotency rule, with the original.
        expect(await store.append(stream, 'any', deposit(5, 'e-1'))).toEqual(first);
        await expect(store.append(stream, 0, deposit(5, 'e-2'))).rejects.toSatisfy(isConcurrencyError);
        expect(seen).toEqual(['e-1']);
        expect(await stored(store)).toEqual({ total: 5, version: 1 });
        await store.close();
      });

      it('async: the checkpoint moves with the documents or not at all; a stale lease writes nothing', async () => {
        const store = stores.create();
        const { checkpoints, projections } = store;
        const id = 'projection:balances:1';
        const lease = (await checkpoints.claim(id, 'me', 10_000))!;
        const batch = (total: number, expected: bigint | undefined, through: bigint, use = lease) =>
          projections.transaction(async (tx) => {
            await tx.documents.put(at, 'a-1', JSON.stringify({ total, version: 1 }));
            expect(await tx.documents.get(at, 'a-1')).toBe(JSON.stringify({ total, version: 1 }));
            await tx.saveCheckpoint(id, through, { expected, lease: use });
          });
        await batch(1, undefined, 10n);
        await expect(batch(2, 5n, 20n)).rejects.toSatisfy(isCheckpointConflictError);
        await checkpoints.release(lease);
        const taken = (await checkpoints.claim(id, 'other', 10_000))!;
        await expect(batch(3, 10n, 20n)).rejects.toSatisfy(isCheckpointConflictError);
        await expect(
          projections.transaction(async (tx) => {
            await tx.documents.put(at, 'a-1', JSON.stringify({ total: 4, version: 1 }));
            await tx.setVersionStatus('balances', 1, 'active');
            throw new Error('handler failed');
          }),
        ).rejects.toThrow('handler failed');
        expect(await stored(store)).toEqual({ total: 1, version: 1 });
        expect(await projections.versions('balances')).toEqual([]);
        await batch(5, 10n, 20n, taken);
        expect((await checkpoints.load(id))?.position).toBe(20n);
        expect(await stored(store)).toEqual({ total: 5, version: 1 });
      });

      it('async: a batch costs three round trips — the versions come with the checkpoint, the writes with COMMIT', async () => {
        const schema = freshSchemaName('projsql_batch');
        await stores.create({ schema }).migrate();
        const { counter, pool } = countingRoundTrips(stores.pool);
        const store = createPostgresEventStore({ ...via.settings, pool, schema, notify: false });
        const id = 'projection:balances@1';
        const lease = (await store.checkpoints.claim(id, 'me', 10_000))!;
        // What `startProjection` does per batch: the compare-and-set, the version's status, a read
        // of a document the batch has not written yet, the writes.
        const batch = (expected: bigint | undefined, through: bigint) =>
          store.projections.transaction(async (tx) => {
            await tx.saveCheckpoint(id, through, { expected, lease });
            if ((await tx.versions('balances')).length === 0)
              await tx.setVersionStatus('balances', 1, 'active');
            const current = await tx.documents.get(at, 'a-1');
            const total = current === undefined ? 0 : (JSON.parse(current) as Balance).total;
            await tx.documents.put(at, 'a-1', JSON.stringify({ total: total + 1, version: 1 }));
          });
        await batch(undefined, 10n);
        counter.roundTrips = 0;
        await batch(10n, 20n);
        expect(counter.roundTrips).toBe(3);
        expect(await stored(store)).toEqual({ total: 2, version: 1 });
        expect(await store.projections.versions('balances')).toEqual([
          { name: 'balances', version: 1, status: 'active' },
        ]);
        await store.close();
      });

      it('a switch waits for a batch that read its version as active: no document outlives the retired version', async () => {
        const schema = freshSchemaName('projsql_switch');
        const store = stores.create({ schema });
        await store.projections.transaction((tx) => tx.setVersionStatus('balances', 1, 'active'));
        let readActive!: () => void;
        const read = new Promise<void>((resolve) => {
          readActive = resolve;
        });
        let switchWaits!: () => void;
        const waiting = new Promise<void>((resolve) => {
          switchWaits = resolve;
        });
        const batch = store.projections.transaction(async (tx) => {
          expect((await tx.versions('balances')).map((v) => v.status)).toEqual(['active']);
          readActive();
          await waiting;
          await tx.documents.put(at, 'late', JSON.stringify({ total: 1, version: 1 }));
        });
        await read;
        const switched = store.projections.transaction(
          async (tx) => {
            await tx.setVersionStatus('balances', 1, 'retired');
            await tx.documents.drop('balances', 1);
            await tx.setVersionStatus('balances', 2, 'active');
          },
          { exclusive: true },
        );
        // The switch blocks on the batch's lock of the version row (or, were there none, finishes).
        let done = false;
        const over = () => {
          done = true;
        };
        switched.then(over, over);
        while (!done && !(await blockedOnLock(stores.pool, schema))) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        switchWaits();
        await batch;
        await switched;
        expect((await store.projections.versions('balances')).map((v) => v.status)).toEqual([
          'retired',
          'active',
        ]);
        expect(await store.projections.documents.count(at, {})).toBe(0);
      });

      it('a transaction reads its own writes; delete, find and count see them; drop removes one version', async () => {
        const store = stores.create();
        const { projections } = store;
        await projections.transaction(async (tx) => {
          await tx.setVersionStatus('balances', 1, 'active');
          await tx.setVersionStatus('balances', 2, 'building');
          await tx.documents.put(at, 'x', '{"s":"open"}');
          await tx.documents.put(at, 'y', '{"s":"open"}');
          await tx.documents.put({ ...at, version: 2 }, 'x', '{"s":"open"}');
        });
        await projections.transaction(async (tx) => {
          expect(await tx.documents.delete(at, 'x')).toBe(true);
          expect(await tx.documents.delete(at, 'nope')).toBe(false);
          await tx.documents.put(at, 'z', '{"s":"open"}');
          expect(
            await tx.documents.find(at, { s: 'open' }, { limit: undefined, index: undefined }),
          ).toHaveLength(2);
          expect(await tx.documents.count(at, { s: 'open' })).toBe(2);
          await tx.setVersionStatus('balances', 1, 'retired');
          await tx.setVersionStatus('balances', 2, 'active');
          await tx.documents.drop('balances', 1);
        });
        expect((await projections.versions('balances')).map((v) => v.status)).toEqual(['retired', 'active']);
        expect(await projections.documents.count(at, {})).toBe(0);
        expect(await projections.documents.get({ ...at, version: 2 }, 'x')).toBe('{"s": "open"}');
      });
    },
    via,
  );
}

/** Whether a backend is waiting for a row lock on a statement of `schema`. */
async function blockedOnLock(pool: pg.Pool, schema: string): Promise<boolean> {
  const { rows } = await pool.query(
    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position($1 in query) > 0",
    [schema],
  );
  return rows.length > 0;
}
