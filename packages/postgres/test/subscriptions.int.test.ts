// PostgreSQL's own side of subscriptions: NOTIFY (one per transaction, only on commit) wakes a
// subscriber of another connection without its poll; a lost LISTEN connection is replaced; behind
// PgBouncer polling alone delivers; C11 names the backend that holds a reader back; and a store that
// reads past the horizon is caught by the conformance suite.
import { findConformanceTest, runConformanceTest } from '@chronicle/conformance';
import { type EventBatch, type EventStore, startProcessor } from '@chronicle/core';
import { createEventPipeline, createWakeUpEmitter, subscribeToSource } from '@chronicle/core/adapter';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { notificationChannel } from '../src/index';
import { decodeEvent, EVENT_COLUMNS, type EventTuple } from '../src/sql/event-columns';
import { RAW_TEXT } from '../src/sql/query-runner';
import {
  appendInOpenTransaction,
  describePostgres,
  rawAppend,
  throughPgBouncer,
  useRawPool,
  useStores,
  waitFor,
} from './support/postgres';

const stream = (id: string) => ({ aggregateType: 'Account', aggregateId: id });
const deposit = (amount: number) => ({ eventType: 'Deposited', eventData: { amount } });

/** Follows `store` live into `batches` until `stop()`. */
function follow(store: EventStore) {
  const controller = new AbortController();
  const batches: EventBatch[] = [];
  const done = (async () => {
    for await (const batch of store.subscribe({ from: 'end', signal: controller.signal }))
      batches.push(batch);
  })();
  return {
    batches,
    positions: () => batches.flatMap((b) => b.events.map((e) => e.position)),
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describePostgres('postgres subscriptions: NOTIFY, polling, stalls', () => {
  const stores = useStores('pgsub');
  const raw = useRawPool();
  /** The backends LISTENing on `schema`'s channel. */
  const listeners = async (schema: string): Promise<number[]> => {
    const { rows } = await raw.query('SELECT pid FROM pg_stat_activity WHERE query = $1', [
      `LISTEN "${notificationChannel(schema)}"`,
    ]);
    return rows.map((row) => Number(row.pid));
  };

  it("a store's appends notify after they commit, sharing notifications under load, never for a failed append", async () => {
    const writer = stores.create();
    await writer.migrate();
    const client = new pg.Client({ connectionString: stores.url });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.end());
    const received: string[] = [];
    client.on('notification', (message) => received.push(message.payload ?? ''));
    await client.query(`LISTEN "${notificationChannel(writer.schema)}"`);

    // 20 appends at once: each is followed by a notification sent after its commit, shared with the
    // appends that commit while one is in flight — at least one, at most one per append.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => writer.append(stream(`burst-${i}`), 'no_stream', [deposit(i)])),
    );
    await waitFor(async () => received.length >= 1, 'a notification after the burst');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the shared ones arrive
    expect(received.length).toBeLessThanOrEqual(20);
    expect(new Set(received), 'no payload').toEqual(new Set(['']));

    // A failed append sends nothing; the next successful one sends exactly one.
    const before = received.length;
    await expect(writer.append(stream('burst-0'), 'no_stream', [deposit(0)])).rejects.toMatchObject({
      code: 'CONCURRENCY',
    });
    await writer.append(stream('after'), 'no_stream', [deposit(1)]);
    await waitFor(async () => received.length > before, 'the notification after the good append');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.length, 'one notification: none for the failed append').toBe(before + 1);
  });

  it("a subscriber wakes on another connection's commit by NOTIFY, without waiting for its poll", async () => {
    const subscriber = stores.create({ pollIntervalMs: 600_000 });
    await subscriber.migrate();
    const writer = stores.createWithOwnPool({ schema: subscriber.schema });
    const live = follow(subscriber);
    cleanups.push(() => live.stop());
    await waitFor(async () => (await listeners(subscriber.schema)).length === 1, 'the LISTEN connection');
    const { lastPosition } = await writer.append(stream('a'), 'any', [deposit(1)]);
    // The poll is 10 minutes away: only the notification can deliver it within the wait.
    await waitFor(async () => live.positions().includes(lastPosition), 'delivery by NOTIFY');
  });

  it('a LISTEN connection the server terminates is replaced, and notifications arrive on the new one', async () => {
    const subscriber = stores.create({ pollIntervalMs: 600_000 });
    await subscriber.migrate();
    const writer = stores.createWithOwnPool({ schema: subscriber.schema });
    const live = follow(subscriber);
    cleanups.push(() => live.stop());
    await waitFor(async () => (await listeners(subscriber.schema)).length === 1, 'the LISTEN connection');
    const [first] = await listeners(subscriber.schema);
    await raw.query('SELECT pg_terminate_backend($1)', [first]);
    await waitFor(async () => {
      const now = await listeners(subscriber.schema);
      return now.length === 1 && now[0] !== first;
    }, 'a new LISTEN connection');
    const { lastPosition } = await writer.append(stream('b'), 'any', [deposit(2)]);
    await waitFor(async () => live.positions().includes(lastPosition), 'delivery after reconnecting');
  });

  it('closing the store ends its subscriptions and closes the LISTEN connection', async () => {
    const store = stores.createWithOwnPool({});
    await store.migrate();
    const live = follow(store);
    await waitFor(async () => (await listeners(store.schema)).length === 1, 'the LISTEN connection');
    await store.close();
    await live.stop();
    await waitFor(async () => (await listeners(store.schema)).length === 0, 'the LISTEN connection to close');
  });

  it('C11: while an open transaction holds the horizon, status() names its backend; after it ends the processor goes on', async () => {
    const store = stores.create({ pollIntervalMs: 50 });
    await store.migrate();
    await store.append(stream('before'), 'any', [deposit(1)]);
    const holder = await raw.connect();
    let open = true;
    try {
      await holder.query("SET application_name = 'pgsub-c11-holder'");
      const { rows } = await holder.query('SELECT pg_backend_pid() AS pid');
      const pid = Number(rows[0]!.pid);
      await holder.query('BEGIN');
      await rawAppend(holder, store.schema, stream('held'), 'any', ['held-1']);
      const { lastPosition } = await store.append(stream('after'), 'any', [deposit(2)]);
      const handled: bigint[] = [];
      const processor = startProcessor(store, {
        id: 'c11',
        handle: (event) => {
          handled.push(event.position);
        },
      });
      cleanups.push(() => processor.stop());
      await waitFor(async () => processor.status().stalledBy !== undefined, 'status() to report the stall');
      const { stalledBy } = processor.status();
      expect(stalledBy).toMatchObject({
        pid,
        applicationName: 'pgsub-c11-holder',
        state: 'idle in transaction',
      });
      expect(stalledBy!.transactionStartedAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(handled, 'nothing past the open transaction is handled while it is open').not.toContain(
        lastPosition,
      );
      expect((await store.horizonHolder())?.pid).toBe(pid);
      await holder.query('COMMIT');
      open = false;
      await processor.whenProcessed(lastPosition);
      expect(processor.status().stalledBy, 'the stall is cleared once the transaction ended').toBeUndefined();
      const log = await store.getAllEvents();
      expect(handled, 'the late commit is handled too, in order').toEqual(log.map((e) => e.position));
    } finally {
      if (open) await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('a store whose subscription reads past the horizon is caught skipping a late low commit', async () => {
    const pool = new pg.Pool({ connectionString: stores.url, max: 4 });
    pool.on('error', () => {});
    cleanups.push(() => pool.end());
    const test = findConformanceTest(
      'subscriptions/a lower position that commits late is delivered in order, never skipped; a rolled-back one never appears',
    );
    const run = runConformanceTest(test, {
      name: 'postgres without a horizon (broken)',
      createStore: async () => {
        const store = stores.create();
        await store.migrate();
        return withoutHorizon(store, pool);
      },
      dispose: async () => {},
      appendInOpenTransaction: appendInOpenTransaction(pool),
      capabilities: { subscriptions: true, outOfOrderCommits: true },
    });
    await expect(run).rejects.toThrow(/C1: nothing above a position that may still commit/);
  });
});

describePostgres(
  'postgres subscriptions behind a transaction-mode pooler',
  () => {
    const stores = useStores('pgsubb', throughPgBouncer);
    const direct = useStores('pgsubd');

    it('with listen off, polling alone delivers commits made elsewhere', async () => {
      const subscriber = stores.create({ listen: false, pollIntervalMs: 20 });
      await subscriber.migrate();
      const writer = direct.create({ schema: subscriber.schema });
      const live = follow(subscriber);
      cleanups.push(() => live.stop());
      await waitFor(async () => live.batches.length > 0, 'the subscription to catch up');
      const { lastPosition } = await writer.append(stream('p'), 'any', [deposit(3)]);
      await waitFor(async () => live.positions().includes(lastPosition), 'delivery by polling');
    });
  },
  throughPgBouncer,
);

/**
 * The store with a subscription that ignores the read horizon: it returns every visible row above
 * `after` and moves `through` to the last one, as the skipping followers of other event stores do.
 */
function withoutHorizon(store: EventStore & { schema: string }, pool: pg.Pool) {
  const closed = new AbortController();
  const source = {
    store: 'PostgreSQL (no horizon)',
    pipeline: createEventPipeline({}),
    wakeUps: createWakeUpEmitter(),
    closed: closed.signal,
    pollIntervalMs: 10,
    readHead: async () => 0n,
    async readPage({ after, limit }: { after: bigint; limit: number }) {
      const { rows } = await pool.query({
        rowMode: 'array',
        text: `SELECT ${EVENT_COLUMNS} FROM "${store.schema}".events ev WHERE ev.position > $1 ORDER BY ev.position LIMIT $2`,
        values: [after.toString(), limit],
        types: RAW_TEXT,
      });
      const events = (rows as unknown as EventTuple[]).map((row) => decodeEvent(row));
      const through = events.at(-1)?.position ?? after;
      return { events, through, head: through };
    },
  };
  return {
    ...store,
    subscribe: (options?: Parameters<EventStore['subscribe']>[0]) => subscribeToSource(source, options),
    close: async () => closed.abort(),
  } as EventStore;
}
