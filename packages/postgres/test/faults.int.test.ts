import { isStoreUnavailableError, type StoreUnavailableError } from '@chronicle/core';
import { expect, it } from 'vitest';
import { backendsBlockedBy, describePostgres, rawAppend, useStores, waitFor } from './support/postgres';

const stream = (id: string) => ({ aggregateType: 'Fault', aggregateId: id });
const ev = (eventId: string) => ({ eventType: 'Happened', eventData: { eventId }, eventId });

describePostgres('postgres store: faults', () => {
  const stores = useStores('fault');

  /** Opens a raw transaction that has appended `blockerId` (uncommitted) and returns its pid. */
  async function holdUncommitted(schema: string, target: string, blockerId: string) {
    const client = await stores.pool.connect();
    await client.query('BEGIN');
    await rawAppend(client, schema, stream(target), 'any', [blockerId]);
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
    return { client, pid: Number(rows[0]!.pid) };
  }

  it('a backend killed mid-append leaves no partial append and a retriable error; the retry succeeds', async () => {
    const store = stores.create();
    await store.append(stream('s'), 'no_stream', [ev('s-1')]);
    // The third event's id is held, uncommitted, by another transaction: the store's insert writes
    // the first two rows and the stream's new version, then waits on that id.
    const holder = await holdUncommitted(store.schema, 'elsewhere', 's-4');
    try {
      const pending = store
        .append(stream('s'), 1, [ev('s-2'), ev('s-3'), ev('s-4')])
        .catch((e: unknown) => e);
      let blocked: number[] = [];
      await waitFor(async () => {
        blocked = await backendsBlockedBy(stores.pool, holder.pid);
        return blocked.length === 1;
      }, 'the append to block');
      await stores.pool.query('SELECT pg_terminate_backend($1)', [blocked[0]]);
      const error = await pending;
      expect(isStoreUnavailableError(error)).toBe(true);
      expect((error as StoreUnavailableError).retriable).toBe(true);
      await holder.client.query('ROLLBACK');
    } finally {
      holder.client.release();
    }
    const { rows } = await stores.pool.query(
      `SELECT event_id FROM "${store.schema}".events WHERE event_id IN ('s-2', 's-3', 's-4')`,
    );
    expect(rows).toEqual([]);
    expect(await store.getStreamVersion(stream('s'))).toBe(1);
    const retried = await store.append(stream('s'), 1, [ev('s-2'), ev('s-3'), ev('s-4')]);
    expect(retried.nextExpectedVersion).toBe(4);
    expect((await store.getEvents('Fault', 's')).map((e) => e.eventId)).toEqual(['s-1', 's-2', 's-3', 's-4']);
  });

  it('a statement timeout is a retriable error and writes nothing', async () => {
    const store = stores.createWithOwnPool({ poolConfig: { statement_timeout: 300, max: 2 } });
    await store.migrate();
    const holder = await holdUncommitted(store.schema, 'busy', 'busy-held');
    try {
      const started = Date.now();
      const error = await store.append(stream('busy'), 'any', [ev('busy-1')]).catch((e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(isStoreUnavailableError(error)).toBe(true);
      expect((error as StoreUnavailableError).retriable).toBe(true);
      expect((error as Error).message).toMatch(/statement_timeout/);
      await holder.client.query('ROLLBACK');
    } finally {
      holder.client.release();
    }
    expect(await store.getStreamVersion(stream('busy'))).toBe(0);
    expect((await store.append(stream('busy'), 'no_stream', [ev('busy-1')])).nextExpectedVersion).toBe(1);
  });

  it('an exhausted pool fails clearly after connectionTimeoutMillis, or waits when there is no timeout', async () => {
    const failing = stores.createWithOwnPool({ poolConfig: { max: 1, connectionTimeoutMillis: 300 } });
    const waiting = stores.createWithOwnPool({ schema: failing.schema, poolConfig: { max: 1 } });
    await failing.migrate();
    await waiting.migrate();
    const holder = await holdUncommitted(failing.schema, 'hot', 'hot-held');
    try {
      // Each store's only connection is now stuck behind the holder.
      const stuck = failing.append(stream('hot'), 'any', [ev('hot-1')]);
      const stuckToo = waiting.append(stream('hot'), 'any', [ev('hot-2')]);
      await waitFor(
        async () => (await backendsBlockedBy(stores.pool, holder.pid)).length === 2,
        'both appends to block',
      );
      const error = await failing.append(stream('cold'), 'any', [ev('cold-1')]).catch((e: unknown) => e);
      expect(isStoreUnavailableError(error)).toBe(true);
      expect((error as StoreUnavailableError).retriable).toBe(true);
      expect((error as Error).message).toMatch(/pool is exhausted/);
      const queued = waiting.append(stream('cool'), 'any', [ev('cool-1')]);
      await holder.client.query('COMMIT');
      // Both queued behind the holder; which of them gets the stream's row first is the server's choice.
      const versions = (await Promise.all([stuck, stuckToo])).map((r) => r.nextExpectedVersion);
      expect(versions.sort()).toEqual([2, 3]);
      await expect(queued).resolves.toMatchObject({ nextExpectedVersion: 1 });
    } finally {
      holder.client.release();
    }
  });

  it('keeps working after its connections are terminated (server restart, failover)', async () => {
    const applicationName = `chronicle_restart_${process.pid}_${Date.now()}`;
    const store = stores.createWithOwnPool({ poolConfig: { max: 3, application_name: applicationName } });
    await store.append(stream('r'), 'no_stream', [ev('r-1')]);
    const { rows } = await stores.pool.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    // The pool learns of the dead connections asynchronously; an operation that still picks one
    // fails with a retriable error, and the next one runs on a fresh connection.
    let result: number | undefined;
    await waitFor(async () => {
      try {
        result = (await store.append(stream('r'), 1, [ev('r-2')])).nextExpectedVersion;
        return true;
      } catch (error) {
        expect(isStoreUnavailableError(error) && error.retriable).toBe(true);
        return false;
      }
    }, 'the store to reconnect');
    expect(result).toBe(2);
    expect((await store.getEvents('Fault', 'r')).map((e) => e.eventId)).toEqual(['r-1', 'r-2']);
  });

  it('an operation on a closed store is a non-retriable StoreUnavailableError', async () => {
    const store = stores.create();
    await store.close();
    const error = await store.getStreamVersion(stream('x')).catch((e: unknown) => e);
    expect(isStoreUnavailableError(error) && !error.retriable).toBe(true);
  });
});
