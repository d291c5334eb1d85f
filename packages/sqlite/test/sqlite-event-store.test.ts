import {
  ConcurrencyError,
  type DomainEvent,
  isDuplicateEventError,
  isInvalidArgumentError,
  isStoreUnavailableError,
  type NewEvent,
} from '@chronicle/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, type SqliteEventStore } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('store');
afterAll(() => temp.cleanup());

const stream = { aggregateType: 'BankAccount', aggregateId: 'acc-1' };
const deposits = (n: number, from = 0): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({ eventType: 'MoneyDeposited', eventData: { amount: from + i } }));

async function collect(events: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const result: DomainEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describe('connection settings', () => {
  it('opens a file in WAL mode with synchronous = FULL and a 5 s busy timeout by default', async () => {
    const store = createSqliteEventStore({ filename: temp.file() });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(5000);
    await store.close();
  });

  it('applies a configured synchronous level and busy timeout', async () => {
    const store = createSqliteEventStore({
      filename: temp.file(),
      synchronous: 'normal',
      busyTimeoutMs: 250,
    });
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(250);
    await store.close();
  });

  it('reads a stream in pages of streamPageSize events, each page one query', async () => {
    const store = createSqliteEventStore({ filename: ':memory:', streamPageSize: 3 });
    const stream = { aggregateType: 'A', aggregateId: '1' };
    await store.append(
      stream,
      'no_stream',
      Array.from({ length: 7 }, (_, i) => ({ eventType: 'E', eventData: i })),
    );
    const reads = store.readStream(stream)[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) await reads.next();
    // The first page is read: an event appended now is seen by a later page, not the first.
    const seen: unknown[] = [];
    await store.append(stream, 7, [{ eventType: 'E', eventData: 7 }]);
    for (let next = await reads.next(); !next.done; next = await reads.next())
      seen.push(next.value.eventData);
    expect(seen).toEqual([3, 4, 5, 6, 7]);
    await store.close();
  });

  it('keeps :memory: out of WAL mode (SQLite cannot use it there)', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('memory');
    await store.close();
  });

  it.each([
    [{ filename: '' }, 'options.filename'],
    [{ filename: ':memory:', busyTimeoutMs: -1 }, 'options.busyTimeoutMs'],
    [{ filename: ':memory:', busyTimeoutMs: 1.5 }, 'options.busyTimeoutMs'],
    [{ filename: ':memory:', synchronous: 'sometimes' }, 'options.synchronous'],
    [{ filename: ':memory:', streamPageSize: 0 }, 'options.streamPageSize'],
    [{ filename: ':memory:', streamPageSize: 2.5 }, 'options.streamPageSize'],
  ])('rejects bad options with InvalidArgumentError (%j)', (options, argument) => {
    const attempt = () => createSqliteEventStore(options as never);
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', argument }));
  });

  it('rejects a closed database with InvalidArgumentError', () => {
    const database = new Database(':memory:');
    database.close();
    expect(() => createSqliteEventStore({ database })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'options.database' }),
    );
  });

  it('reports a file that cannot be opened as StoreUnavailableError, not a driver error', () => {
    let error: unknown;
    try {
      createSqliteEventStore({ filename: `${temp.file()}/no/such/dir/db.sqlite` });
    } catch (caught) {
      error = caught;
    }
    expect(isStoreUnavailableError(error)).toBe(true);
  });
});

describe('close()', () => {
  it('closes a database it opened, and refuses further calls with StoreUnavailableError', async () => {
    const store = createSqliteEventStore({ filename: temp.file() });
    await store.close();
    expect(store.database.open).toBe(false);
    await expect(store.append(stream, 'any', deposits(1))).rejects.toSatisfy(isStoreUnavailableError);
    await expect(store.getStreamVersion(stream)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      retriable: false,
    });
    await store.close(); // twice is harmless
  });

  it('leaves a database it was given open', async () => {
    const database = new Database(':memory:');
    const store = createSqliteEventStore({ database });
    await store.append(stream, 'no_stream', deposits(2));
    await store.close();
    expect(database.open).toBe(true);
    expect(database.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 2 });
    database.close();
  });
});

describe('what is stored', () => {
  let store: SqliteEventStore;

  it('assigns positions as bigint rowids in append order and reports them', async () => {
    store = createSqliteEventStore({ filename: ':memory:' });
    const first = await store.append(stream, 'no_stream', deposits(3));
    const second = await store.append({ aggregateType: 'Other', aggregateId: 'x' }, 'any', deposits(2));
    expect(first).toEqual({ nextExpectedVersion: 3, firstPosition: 1n, lastPosition: 3n });
    expect(second).toEqual({ nextExpectedVersion: 2, firstPosition: 4n, lastPosition: 5n });
    const all = await store.getAllEvents();
    expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(typeof all[0]!.position).toBe('bigint');
    await store.close();
  });

  it('reads positions beyond 2^53 without rounding', async () => {
    const database = new Database(':memory:');
    store = createSqliteEventStore({ database });
    await store.append(stream, 'no_stream', deposits(1));
    // Move the rowid counter far past Number.MAX_SAFE_INTEGER through a raw insert.
    database
      .prepare(
        `INSERT INTO events (position, event_id, aggregate_type, aggregate_id, version, event_type,
          schema_version, event_data, occurred_at) VALUES (?, 'far', 'Far', 'f', 1, 'T', 1, '1', 0)`,
      )
      .run(2n ** 60n);
    const result = await store.append(stream, 1, deposits(1));
    expect(result.firstPosition).toBe(2n ** 60n + 1n);
    const [event] = await store.getEvents(stream.aggregateType, stream.aggregateId, 1);
    expect(event!.position).toBe(2n ** 60n + 1n);
    await store.close();
    database.close();
  });

  it('reads positions across 2^53 exactly on every read path, and pages across them', async () => {
    const database = new Database(':memory:');
    store = createSqliteEventStore({ database });
    const edge = BigInt(Number.MAX_SAFE_INTEGER); // 2^53 - 1: the last position a number holds exactly
    database
      .prepare(
        `INSERT INTO events (position, event_id, aggregate_type, aggregate_id, version, event_type,
          schema_version, event_data, occurred_at) VALUES (?, 'edge', 'Edge', 'e', 1, 'T', 1, '1', 0)`,
      )
      .run(edge - 1n);
    await store.append(stream, 'no_stream', deposits(4));
    const expected = [edge - 1n, edge, edge + 1n, edge + 2n, edge + 3n];
    expect((await store.getAllEvents()).map((e) => e.position)).toEqual(expected);
    expect((await store.getAllEvents(undefined, edge)).map((e) => e.position)).toEqual(expected.slice(2));
    expect((await store.getAllEvents(stream.aggregateType)).map((e) => e.position)).toEqual(
      expected.slice(1),
    );
    expect((await store.getEventsByType('MoneyDeposited')).map((e) => e.position)).toEqual(expected.slice(1));
    const pages = await collect(store.readAll({ batchSize: 2 }));
    expect(pages.map((e) => e.position)).toEqual(expected);
    expect(pages.every((e) => typeof e.position === 'bigint')).toBe(true);
    const backward = await collect(store.readStream(stream, { direction: 'backward' }));
    expect(backward.map((e) => e.position)).toEqual(expected.slice(1).reverse());
    const delivered: bigint[] = [];
    const throughs: bigint[] = [];
    for await (const batch of store.subscribe({ from: edge - 1n, live: false, batchSize: 1 })) {
      delivered.push(...batch.events.map((e) => e.position));
      throughs.push(batch.through);
    }
    expect(delivered).toEqual(expected.slice(1));
    expect(throughs.at(-1)).toBe(edge + 3n);
    expect(throughs.every((through) => typeof through === 'bigint')).toBe(true);
    await store.close();
    database.close();
  });

  it('keeps data and metadata as JSON text and occurredAt as epoch milliseconds', async () => {
    store = createSqliteEventStore({ filename: ':memory:' });
    const occurredAt = new Date('2024-02-29T23:59:59.123Z');
    await store.append(stream, 'no_stream', [
      {
        eventType: 'MoneyDeposited',
        eventData: { amount: 10, note: 'ünïcødé 🎉' },
        metadata: { source: 'test' },
        occurredAt,
        userId: 'u1',
      },
    ]);
    const row = store.database
      .prepare('SELECT event_data, metadata, occurred_at, user_id, correlation_id FROM events')
      .get();
    expect(row).toEqual({
      event_data: '{"amount":10,"note":"ünïcødé 🎉"}',
      metadata: '{"source":"test"}',
      occurred_at: occurredAt.getTime(),
      user_id: 'u1',
      correlation_id: null,
    });
    const [event] = await store.getEvents(stream.aggregateType, stream.aggregateId);
    expect(event!.occurredAt.toISOString()).toBe('2024-02-29T23:59:59.123Z');
    expect(event).not.toHaveProperty('correlationId');
    await store.close();
  });
});

describe('appends', () => {
  it('writes nothing when an append fails part-way (a duplicate id at the end of the batch)', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    await store.append({ aggregateType: 'Other', aggregateId: 'o' }, 'no_stream', [
      { eventType: 'T', eventData: 1, eventId: 'taken' },
    ]);
    const batch = [...deposits(50), { eventType: 'T', eventData: 2, eventId: 'taken' }];
    await expect(store.append(stream, 'no_stream', batch)).rejects.toSatisfy(isDuplicateEventError);
    expect(await store.getStreamVersion(stream)).toBe(0);
    expect(store.database.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(store.database.inTransaction).toBe(false);
    await store.close();
  });

  it('answers a repeated append with the original result and writes nothing', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    const batch = deposits(3).map((e, i) => ({ ...e, eventId: `id-${i}` }));
    const original = await store.append(stream, 'no_stream', batch);
    await store.append(stream, 3, deposits(1));
    expect(await store.append(stream, 'no_stream', batch)).toEqual(original);
    expect(await store.append(stream, 'any', batch)).toEqual(original);
    expect(await store.getStreamVersion(stream)).toBe(4);
    await store.close();
  });

  it('reports a version conflict with the actual version', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    await store.append(stream, 'no_stream', deposits(2));
    const error = await store.append(stream, 1, deposits(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    await store.close();
  });

  it('rejects bad input before touching the database', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    await expect(
      store.append(stream, 'no_stream', [{ eventType: 'T', eventData: { n: Number.NaN } }]),
    ).rejects.toSatisfy(isInvalidArgumentError);
    expect(store.database.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 });
    await store.close();
  });

  it('reports an empty append with the stream head, without a write transaction', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    expect(await store.append(stream, 'any', [])).toEqual({
      nextExpectedVersion: 0,
      firstPosition: 0n,
      lastPosition: 0n,
    });
    await store.append(stream, 'any', deposits(2));
    expect(await store.append(stream, 2, [])).toEqual({
      nextExpectedVersion: 2,
      firstPosition: 2n,
      lastPosition: 2n,
    });
    await store.close();
  });
});

describe('paged reads', () => {
  it('readStream pages through a stream longer than one page, in both directions', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    await store.append(stream, 'no_stream', deposits(1234));
    const forward = await collect(store.readStream(stream));
    expect(forward.map((e) => e.version)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    const backward = await collect(store.readStream(stream, { direction: 'backward', fromVersion: 1001 }));
    expect(backward.map((e) => e.version)).toEqual(Array.from({ length: 1000 }, (_, i) => 1000 - i));
    const limited = await collect(store.readStream(stream, { fromVersion: 499, limit: 503 }));
    expect(limited.map((e) => e.version)).toEqual(Array.from({ length: 503 }, (_, i) => 500 + i));
    await store.close();
  });

  it('readAll resumes after the last position of each page, so it sees events appended meanwhile', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    await store.append(stream, 'no_stream', deposits(3));
    const seen: bigint[] = [];
    for await (const event of store.readAll({ batchSize: 2 })) {
      seen.push(event.position);
      if (seen.length === 1) await store.append(stream, 'any', deposits(2, 100));
    }
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]);
    await store.close();
  });

  it('readAll filters by aggregate and event types across pages without reordering', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    for (let i = 0; i < 20; i++) {
      await store.append({ aggregateType: i % 2 ? 'Odd' : 'Even', aggregateId: String(i) }, 'no_stream', [
        { eventType: i % 3 ? 'A' : 'B', eventData: i },
      ]);
    }
    const odd = await collect(store.readAll({ aggregateTypes: ['Odd'], batchSize: 3 }));
    expect(odd.map((e) => e.eventData)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    const oddB = await collect(store.readAll({ aggregateTypes: ['Odd'], eventTypes: ['B'], batchSize: 1 }));
    expect(oddB.map((e) => e.eventData)).toEqual([3, 9, 15]);
    const typed = await collect(store.readAll({ eventTypes: ['B', 'Nope'], fromPosition: 4n }));
    expect(typed.map((e) => e.eventData)).toEqual([6, 9, 12, 15, 18]);
    await store.close();
  });
});

describe('snapshots', () => {
  it('keeps the newest version per stream; an older one never replaces it', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    const createdAt = new Date('2025-01-01T00:00:00.001Z');
    await store.saveSnapshot({ ...stream, version: 5, schemaVersion: 1, state: { b: 5 }, createdAt });
    await store.saveSnapshot({ ...stream, version: 3, schemaVersion: 1, state: { b: 3 }, createdAt });
    expect(await store.getSnapshot(stream.aggregateType, stream.aggregateId)).toEqual({
      ...stream,
      version: 5,
      schemaVersion: 1,
      state: { b: 5 },
      createdAt,
    });
    await store.saveSnapshot({ ...stream, version: 5, schemaVersion: 2, state: { b: 'v2' }, createdAt });
    expect(await store.getSnapshot(stream.aggregateType, stream.aggregateId)).toMatchObject({
      version: 5,
      schemaVersion: 2,
      state: { b: 'v2' },
    });
    expect(await store.getSnapshot('BankAccount', 'none')).toBeNull();
    await store.close();
  });
});

describe('checkpoint()', () => {
  it('moves the write-ahead log into the database file', async () => {
    const filename = temp.file();
    const store = createSqliteEventStore({ filename });
    await store.append(stream, 'no_stream', deposits(100));
    expect(await store.checkpoint()).toBe(true);
    const { statSync } = await import('node:fs');
    expect(statSync(`${filename}-wal`).size).toBe(0);
    await store.close();
  });
});

describe('durability', () => {
  it('finds everything committed after closing and reopening the file', async () => {
    const filename = temp.file();
    const first = createSqliteEventStore({ filename });
    await first.append(stream, 'no_stream', deposits(3));
    await first.saveSnapshot({ ...stream, version: 3, schemaVersion: 1, state: 3, createdAt: new Date(0) });
    await first.close();
    const second = createSqliteEventStore({ filename });
    expect((await second.getEvents(stream.aggregateType, stream.aggregateId)).length).toBe(3);
    expect(await second.getSnapshot(stream.aggregateType, stream.aggregateId)).toMatchObject({ version: 3 });
    await second.close();
  });
});

describe('driver failures become typed errors', () => {
  it('a full database is a retriable StoreUnavailableError, and the failed append leaves no trace', async () => {
    const database = new Database(':memory:');
    const store = createSqliteEventStore({ database });
    await store.append(stream, 'no_stream', deposits(1));
    const pages = database.pragma('page_count', { simple: true }) as number;
    database.pragma(`max_page_count = ${pages + 2}`);
    const big = Array.from({ length: 200 }, (_, i) => ({
      eventType: 'Big',
      eventData: 'x'.repeat(4000 + i),
    }));
    const error = await store.append(stream, 1, big).catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ retriable: true });
    expect(String(error)).toMatch(/SQLITE_FULL/);
    expect(database.inTransaction).toBe(false);
    expect(await store.getStreamVersion(stream)).toBe(1);
    database.pragma('max_page_count = 1073741823');
    expect((await store.append(stream, 1, big)).nextExpectedVersion).toBe(201);
    await store.close();
    database.close();
  });

  it('a read-only connection reads, and refuses appends with a non-retriable StoreUnavailableError', async () => {
    const filename = temp.file();
    const writer = createSqliteEventStore({ filename });
    await writer.append(stream, 'no_stream', deposits(2));
    await writer.close();
    const database = new Database(filename, { readonly: true });
    const store = createSqliteEventStore({ database });
    expect(await store.getStreamVersion(stream)).toBe(2);
    const error = await store.append(stream, 2, deposits(1)).catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ retriable: false });
    await store.close();
    database.close();
  });

  it('a file that is not a database is a non-retriable StoreUnavailableError on open', async () => {
    const filename = temp.file();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(filename, 'this is not a database, just some text that is long enough to have a header');
    expect(() => createSqliteEventStore({ filename })).toThrow(
      expect.objectContaining({
        code: 'STORE_UNAVAILABLE',
        retriable: false,
        message: expect.stringMatching(/SQLITE_NOTADB/),
      }),
    );
  });

  it('a driver error the adapter does not recognise is still a StoreUnavailableError, with the cause kept', async () => {
    const store = createSqliteEventStore({ filename: ':memory:' });
    // A table gone behind the store's back: SQLITE_ERROR, which no rule of the classifier names.
    store.database.exec('DROP TABLE snapshots');
    const error = await store.getSnapshot('BankAccount', 'acc-1').catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({
      retriable: false,
      cause: expect.objectContaining({ code: 'SQLITE_ERROR' }),
    });
    expect(String(error)).toMatch(/^StoreUnavailableError: SQLite: a call failed: no such table: snapshots/);
    await store.close();
  });
});
