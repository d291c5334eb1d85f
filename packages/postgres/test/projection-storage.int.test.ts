import {
  type DomainEvent,
  isCheckpointConflictError,
  isConcurrencyError,
  type SubscribableEventStore,
} from '@chronicle/core';
import { prepareAppend } from '@chronicle/core/adapter';
import type pg from 'pg';
import { expect, it } from 'vitest';
import type { PostgresPool } from '../src/postgres-driver';
import { createPostgresProjectionStorage, type PostgresProjectionRun } from '../src/projection-storage';
import { quoteIdentifier } from '../src/schema/schema-name';
import { createQueryRunner } from '../src/sql/query-runner';
import { describePostgres, everyPath, useStores } from './support/postgres';

const scope = { projection: 'balances', version: 1 };
const stream = { aggregateType: 'Account', aggregateId: 'a-1' };
const deposit = (amount: number, eventId?: string) =>
  prepareAppend(stream, 'any', [
    { eventType: 'Deposited', eventData: { amount }, ...(eventId && { eventId }) },
  ]);

/** A pool whose checked-out connections count the statements they send: one per round trip. */
function counting(pool: pg.Pool) {
  const counter = { roundTrips: 0 };
  const wrapped = {
    query: pool.query.bind(pool),
    end: async () => {},
    async connect() {
      const client = await pool.connect();
      return new Proxy(client, {
        get(target, property) {
          if (property !== 'query') return Reflect.get(target, property);
          return (...args: unknown[]) => {
            counter.roundTrips++;
            return (target.query as (...a: unknown[]) => unknown)(...args);
          };
        },
      });
    },
  } as unknown as PostgresPool;
  return { counter, pool: wrapped };
}

async function balance(events: readonly DomainEvent[], run: PostgresProjectionRun): Promise<void> {
  const documents = run.session.documents(scope);
  for (const event of events) {
    const current = (await documents.get('balances', event.aggregateId)) as { total: number } | undefined;
    const { amount } = event.eventData as { amount: number };
    documents.put('balances', event.aggregateId, {
      total: (current?.total ?? 0) + amount,
      position: String(event.position),
      version: event.version,
    });
  }
}

for (const via of everyPath) {
  describePostgres(
    'projection storage on PostgreSQL',
    () => {
      const stores = useStores('projsql_storage', via);
      async function open() {
        const store = stores.create();
        await store.migrate();
        const { counter, pool } = counting(stores.pool);
        const storage = createPostgresProjectionStorage(quoteIdentifier(store.schema), async () => pool);
        const db = createQueryRunner(async () => stores.pool, false);
        const stored = async () => {
          const json = await storage.committed(db, scope).get('balances', 'a-1');
          return json === undefined ? undefined : JSON.parse(json);
        };
        return { store, storage, counter, stored };
      }

      it('inline: the documents commit with the append, in two round trips when the handler reads nothing', async () => {
        const { store, storage, counter, stored } = await open();
        counter.roundTrips = 0;
        const first = await storage.appendProjected(stream, 0, deposit(5), async (events, run) => {
          run.session.documents(scope).put('balances', 'a-1', { total: 5, version: events[0]!.version });
        });
        expect(counter.roundTrips).toBe(2);
        expect(await stored()).toEqual({ total: 5, version: 1 });
        const second = await storage.appendProjected(stream, first.nextExpectedVersion, deposit(7), balance);
        expect(await stored()).toEqual({ total: 12, position: String(second.lastPosition), version: 2 });
        expect((await store.getEvents('Account', 'a-1')).map((event) => event.position)).toEqual([
          first.firstPosition,
          second.firstPosition,
        ]);
      });

      it('inline: a throwing handler leaves neither event nor document', async () => {
        const { store, storage, stored } = await open();
        await expect(
          storage.appendProjected(stream, 'any', deposit(5), async (_, run) => {
            run.session.documents(scope).put('balances', 'a-1', { total: 5 });
            await run.client.query(`SELECT 1`);
            throw new Error('projection bug');
          }),
        ).rejects.toThrow('projection bug');
        expect(await store.getStreamVersion(stream)).toBe(0);
        expect(await stored()).toBeUndefined();
      });

      it('inline: a repeated append answers as before and projects nothing; a refused one neither', async () => {
        const { storage, stored } = await open();
        const first = await storage.appendProjected(stream, 0, deposit(5, 'e-1'), balance);
        const projected: string[] = [];
        const counted = async (events: readonly DomainEvent[], run: PostgresProjectionRun) => {
          projected.push(...events.map((event) => event.eventId));
          await balance(events, run);
        };
        expect(await storage.appendProjected(stream, 0, deposit(5, 'e-1'), counted)).toEqual(first);
        // 'any' passes the version check: the id collides inside the transaction (a unique
        // violation), and the appender still answers by the idempotency rule, with the original.
        expect(await storage.appendProjected(stream, 'any', deposit(5, 'e-1'), counted)).toEqual(first);
        await expect(storage.appendProjected(stream, 0, deposit(5, 'e-2'), counted)).rejects.toSatisfy(
          isConcurrencyError,
        );
        expect(projected).toEqual([]);
        expect(await stored()).toMatchObject({ total: 5 });
      });

      it('async: the checkpoint moves with the documents or not at all; a stale lease writes nothing', async () => {
        const { store, storage, stored } = await open();
        const checkpoints = (store as SubscribableEventStore).checkpoints;
        const id = 'projection:balances:1';
        const lease = (await checkpoints.claim(id, 'me', 10_000))!;
        const put = (total: number) => async (run: PostgresProjectionRun) => {
          run.session.documents(scope).put('balances', 'a-1', { total });
        };
        await storage.runBatch({ processorId: id, lease, expected: undefined, through: 10n }, put(1));
        await expect(
          storage.runBatch({ processorId: id, lease, expected: 5n, through: 20n }, put(2)),
        ).rejects.toSatisfy(isCheckpointConflictError);
        await checkpoints.release(lease);
        const taken = (await checkpoints.claim(id, 'other', 10_000))!;
        expect(taken.token).toBeGreaterThan(lease.token);
        await expect(
          storage.runBatch({ processorId: id, lease, expected: 10n, through: 20n }, put(3)),
        ).rejects.toSatisfy(isCheckpointConflictError);
        await expect(
          storage.runBatch({ processorId: id, lease: taken, expected: 10n, through: 20n }, async () => {
            throw new Error('handler failed');
          }),
        ).rejects.toThrow('handler failed');
        expect(await stored()).toEqual({ total: 1 });
        expect((await checkpoints.load(id))?.position).toBe(10n);
      });
    },
    via,
  );
}
