// Reading from a real hot standby: a primary and a streaming standby of the test's own, built with
// the machine's PostgreSQL 15 binaries (initdb, pg_basebackup -R, pg_ctl) in a temporary folder.
import { type DomainEvent, isReplicaLagError, startProcessor } from '@chronicle/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from '../src/index';
import { writeLateAndRollBack } from './support/late-writers';
import { type ReplicaPair, replicaPairUnavailable, startReplicaPair } from './support/replica-pair';

const unavailable = replicaPairUnavailable();
if (unavailable !== undefined && process.env.CI === 'true') {
  throw new Error(`read-replica tests cannot run: ${unavailable}. Under CI=true they must.`);
}

const stream = (id: string) => ({ aggregateType: 'Account', aggregateId: id });
const deposit = (eventId: string) => ({ eventType: 'Deposited', eventData: { eventId }, eventId });

async function collect(events: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const result: DomainEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describe.skipIf(unavailable !== undefined)('postgres: reading from a hot standby', () => {
  let pair: ReplicaPair;
  let primaryPool: pg.Pool;
  let standbyPool: pg.Pool;
  const stores: PostgresEventStore[] = [];
  const open = (schema: string, settings: { inFlightWaitMs?: number; pollIntervalMs?: number } = {}) => {
    const store = createPostgresEventStore({
      connectionString: pair.primaryUrl,
      readReplicas: [pair.standbyUrl],
      schema,
      ...settings,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    pair = await startReplicaPair();
    primaryPool = new pg.Pool({ connectionString: pair.primaryUrl });
    standbyPool = new pg.Pool({ connectionString: pair.standbyUrl });
    for (const pool of [primaryPool, standbyPool]) pool.on('error', () => {});
  }, 60_000);

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all([primaryPool?.end(), standbyPool?.end()]);
    pair?.cleanup();
  });

  it('reads the log from the standby, the stream from the primary; waitForReplicas and status follow replay', async () => {
    const store = open('routing');
    const first = await store.append(stream('a'), 'no_stream', [deposit('r-1')]);
    await store.waitForReplicas(first.lastPosition);
    expect((await collect(store.readAll())).map((e) => e.eventId)).toEqual(['r-1']);

    const handled: string[] = [];
    const processor = startProcessor(store, {
      id: 'routing-follower',
      handle: (event) => void handled.push(event.eventId),
    });
    await processor.whenProcessed(first.lastPosition);

    await standbyPool.query('SELECT pg_wal_replay_pause()');
    let second: Awaited<ReturnType<typeof store.append>>;
    try {
      second = await store.append(stream('a'), 1, [deposit('r-2')]);
      // The aggregate's stream is read on the primary: read-your-writes.
      expect((await store.getEvents('Account', 'a')).map((e) => e.eventId)).toEqual(['r-1', 'r-2']);
      // The log comes from the paused standby: the new event is not there yet, and nothing is skipped.
      expect((await collect(store.readAll())).map((e) => e.eventId)).toEqual(['r-1']);
      const [status] = await store.replicaStatus();
      expect(status).toMatchObject({ state: 'paused', error: undefined });
      expect(status!.lagBytes! > 0n).toBe(true);
      expect(status!.horizon! <= second.lastPosition).toBe(true);

      const waited = await store.waitForReplicas(second.lastPosition, { timeoutMs: 200 }).catch((e) => e);
      expect(isReplicaLagError(waited)).toBe(true);
      expect(waited).toMatchObject({ code: 'REPLICA_LAG', position: second.lastPosition, timeoutMs: 200 });
      // A processor reading on the standby waits too (its own append woke it: nothing to deliver yet).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handled).toEqual(['r-1']);
    } finally {
      await standbyPool.query('SELECT pg_wal_replay_resume()');
    }
    await processor.whenProcessed(second!.lastPosition);
    expect(handled).toEqual(['r-1', 'r-2']);
    await processor.stop();
    const third = await store.append(stream('a'), 2, [deposit('r-3')]);
    await store.waitForReplicas(third.lastPosition);
    expect((await collect(store.readAll())).map((e) => e.eventId)).toEqual(['r-1', 'r-2', 'r-3']);
    const [after] = await store.replicaStatus();
    expect(after).toMatchObject({ state: 'streaming' });
    expect(after!.horizon! > third.lastPosition).toBe(true);
  });

  it('a follower on the standby sees every committed event once, in order, while writers commit late and roll back', async () => {
    const store = open('follow', { inFlightWaitMs: 20, pollIntervalMs: 20 });
    await store.migrate();
    const committed = new Set<string>();
    const seen: DomainEvent[] = [];
    let done = false;
    const follow = async () => {
      let last = 0n;
      const deadline = Date.now() + 30_000;
      while (!done || seen.length < committed.size) {
        if (Date.now() > deadline) throw new Error(`follower stuck at ${seen.length}/${committed.size}`);
        for await (const event of store.readAll({ fromPosition: last, batchSize: 5 })) {
          seen.push(event);
          last = event.position;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const subscribed: DomainEvent[] = [];
    const stop = new AbortController();
    const subscriber = (async () => {
      for await (const batch of store.subscribe({ batchSize: 3, signal: stop.signal })) {
        subscribed.push(...batch.events);
      }
    })();
    const follower = follow();
    const load = { writers: 4, perWriter: 10, maxSleepSeconds: 0.02, aggregateType: 'Account' };
    await writeLateAndRollBack(primaryPool, store.schema, load, committed);
    done = true;
    await follower;
    await expect.poll(() => subscribed.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(committed.size);
    stop.abort();
    await subscriber;
    for (const [name, events] of [
      ['readAll follower', seen],
      ['subscription', subscribed],
    ] as const) {
      const ids = events.map((e) => e.eventId);
      expect(new Set(ids).size, `${name}: an event was delivered twice`).toBe(ids.length);
      expect(new Set(ids), name).toEqual(committed);
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.position > events[i - 1]!.position).toBe(true);
      const shared = events.filter((e) => e.aggregateId === 'shared').map((e) => e.version);
      expect(shared, name).toEqual(shared.map((_, i) => i + 1));
    }
  });

  it('reads go to the primary while the standby restarts, and a follower resumes without a skip', async () => {
    const store = open('restart');
    const before = await store.append(stream('b'), 'no_stream', [deposit('s-1'), deposit('s-2')]);
    await store.waitForReplicas(before.lastPosition);
    const seen = (await collect(store.readAll())).map((e) => e.eventId);
    let last = before.lastPosition;
    const live: string[] = [];
    const stop = new AbortController();
    const subscriber = (async () => {
      for await (const batch of store.subscribe({ signal: stop.signal })) {
        live.push(...batch.events.map((e) => e.eventId));
        if (live.length >= 4) stop.abort();
      }
    })();

    pair.stopStandby();
    try {
      await store.append(stream('b'), 2, [deposit('s-3')]);
      const [down] = await store.replicaStatus();
      expect(down).toMatchObject({ state: 'down', horizon: undefined });
      for await (const event of store.readAll({ fromPosition: last })) {
        seen.push(event.eventId);
        last = event.position;
      }
    } finally {
      pair.startStandby();
    }
    const more = await store.append(stream('b'), 3, [deposit('s-4')]);
    await expect
      .poll(async () => (await store.replicaStatus())[0]?.state, { timeout: 20_000 })
      .toBe('streaming');
    await store.waitForReplicas(more.lastPosition, { timeoutMs: 20_000 });
    for await (const event of store.readAll({ fromPosition: last })) seen.push(event.eventId);
    expect(seen).toEqual(['s-1', 's-2', 's-3', 's-4']);
    await subscriber;
    expect(live, 'the subscription across the restart').toEqual(['s-1', 's-2', 's-3', 's-4']);
  });

  // Last: it ends the pair. With the standby named in synchronous_standby_names (and
  // synchronous_commit = on, the default), an acknowledged append is on the standby's disk first.
  it('promoting the standby after the primary crashes loses no acknowledged append', async () => {
    await primaryPool.query(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
    await primaryPool.query('SELECT pg_reload_conf()');
    const store = open('failover');
    const acknowledged: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const id = `f-${i}`;
        try {
          await store.append(stream(`f-${i % 5}`), 'any', [deposit(id)]);
          acknowledged.push(id);
        } catch {
          return; // the primary went away: this append was not acknowledged
        }
      }
    })();
    await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThan(50);
    pair.stopPrimary('immediate'); // a crash: no shutdown checkpoint, no goodbye to the standby
    writing = false;
    await writer;
    await pair.promoteStandby();

    const promoted = createPostgresEventStore({ connectionString: pair.standbyUrl, schema: 'failover' });
    stores.push(promoted);
    const survived = new Set((await collect(promoted.readAll())).map((e) => e.eventId));
    const lost = acknowledged.filter((id) => !survived.has(id));
    expect(lost, `acknowledged appends missing after failover (of ${acknowledged.length})`).toEqual([]);
    // The promoted server goes on: its positions continue above everything replicated.
    const next = await promoted.append(stream('after'), 'no_stream', [deposit('after-failover')]);
    const all = await collect(promoted.readAll());
    expect(all.at(-1)?.eventId).toBe('after-failover');
    expect(all.every((e) => e.position <= next.lastPosition)).toBe(true);
  });
});
