import { isStoreUnavailableError, type StoreUnavailableError } from '@chronicle/core';
import { storeClosedError, toEventStoreError } from '@chronicle/core/adapter';
import { describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresPool } from '../src/index';
import { postgresErrorClassifier } from '../src/postgres-errors';
import { assertSchemaName, quoteIdentifier } from '../src/schema/schema-name';
import { statementName } from '../src/sql/query-runner';

/** The store's error rule, as `createPostgresEventStore` applies it. */
const toStoreError = (error: unknown, action: string, schema: string) =>
  toEventStoreError(error, postgresErrorClassifier(schema), { store: 'PostgreSQL', action });

/** A driver error shaped like node-postgres's DatabaseError. */
function databaseError(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

const unusedPool: PostgresPool = {
  query: () => Promise.reject(new Error('not used')),
  connect: () => Promise.reject(new Error('not used')),
  end: () => Promise.resolve(),
};

describe('postgres adapter, without a server', () => {
  it('accepts plain schema names and refuses anything else before touching the database', () => {
    for (const ok of ['chronicle', 'Billing_Events', '_x', 'a'.repeat(63)])
      expect(() => assertSchemaName(ok)).not.toThrow();
    for (const bad of [
      'x"; DROP SCHEMA public; --',
      'has space',
      '1digit',
      '',
      'pg_catalog',
      'PG_x',
      'a'.repeat(64),
      'é',
      42,
    ]) {
      expect(() => assertSchemaName(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'schema' }),
      );
      expect(() => createPostgresEventStore({ pool: unusedPool, schema: bad as string })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(quoteIdentifier('chronicle')).toBe('"chronicle"');
  });

  it('needs exactly one of pool and connectionString, and valid tuning options', () => {
    const bad = [
      {},
      { pool: unusedPool, connectionString: 'postgres://x' },
      { pool: unusedPool, inFlightWaitMs: -1 },
      { pool: unusedPool, streamPageSize: 0 },
    ];
    for (const options of bad) {
      expect(() => createPostgresEventStore(options as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('creates nothing until first use: a lazy pool factory is not called by the factory', () => {
    let calls = 0;
    createPostgresEventStore({
      pool: () => {
        calls++;
        return unusedPool;
      },
    });
    expect(calls).toBe(0);
  });

  // The one error rule, for PostgreSQL: every fault a call can meet becomes an EventStoreError with
  // a code, retriable exactly when the same call may succeed later.
  const faults: [fault: string, error: unknown, retriable: boolean, message?: RegExp][] = [
    ['statement_timeout', databaseError('57014'), true, /statement_timeout.*nothing was written/],
    ['admin shutdown', databaseError('57P01'), true],
    ['connection failure (class 08)', databaseError('08006'), true],
    ['too many connections (class 53)', databaseError('53300'), true],
    ['serialization failure', databaseError('40001'), true],
    ['deadlock', databaseError('40P01'), true],
    ['lock not available', databaseError('55P03'), true],
    [
      'taken position on a v1 schema',
      Object.assign(databaseError('23505'), { constraint: 'events_pkey' }),
      true,
    ],
    ['connection terminated', new Error('Connection terminated unexpectedly'), true],
    ['socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    ['pool exhausted', new Error('timeout exceeded when trying to connect'), true, /connectionTimeoutMillis/],
    ['missing table', databaseError('42P01', 'relation "chronicle.events" does not exist'), false],
    ['missing schema', databaseError('3F000'), false, /schema "s" is missing or not migrated/],
    ['invalid text', databaseError('22P02'), false, /22P02/],
    ['a bug (TypeError)', new TypeError('x is not a function'), false, /read failed: x is not a function/],
    ['a thrown string', 'oops', false, /read failed: oops/],
  ];
  it.each(faults)('maps %s to StoreUnavailableError (retriable: %s)', (_, error, retriable, message) => {
    const mapped = toStoreError(error, 'read', 's');
    expect(isStoreUnavailableError(mapped), String(mapped)).toBe(true);
    expect((mapped as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
    expect((mapped as StoreUnavailableError).retriable).toBe(retriable);
    expect(mapped.message).toMatch(/^PostgreSQL: read failed: /);
    if (message !== undefined) expect(mapped.message).toMatch(message);
    expect((mapped as Error).cause).toBe(error);
  });

  it('passes Chronicle errors through unchanged', () => {
    const closed = storeClosedError('PostgreSQL');
    expect(toStoreError(closed, 'read', 's')).toBe(closed);
  });

  it('rejects with a typed error when a pool factory fails, and after close', async () => {
    const failing = createPostgresEventStore({
      pool: () => {
        throw new Error('no pool today');
      },
    });
    await expect(failing.getStreamVersion({ aggregateType: 'A', aggregateId: '1' })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      retriable: false,
      message: expect.stringMatching(/migrate failed: no pool today/),
    });
    const store = createPostgresEventStore({ pool: unusedPool });
    await store.close();
    for (const call of [
      () => store.getEvents('A', '1'),
      () => store.migrate(),
      () => store.readAll()[Symbol.asyncIterator]().next(),
      () => store.readStream({ aggregateType: 'A', aggregateId: '1' })[Symbol.asyncIterator]().next(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: false });
    }
  });

  it('names prepared statements by their text, so different statements never share a name', async () => {
    // The statements two stores in two schemas really send, recorded by a pool that answers nothing.
    const sent: string[] = [];
    const recording: PostgresPool = {
      query: (config: { text: string }) => {
        sent.push(config.text);
        return Promise.resolve({ rows: [] });
      },
      connect: () => Promise.reject(new Error('not used')),
      end: () => Promise.resolve(),
    } as unknown as PostgresPool;
    for (const schema of ['a', 'b']) {
      const store = createPostgresEventStore({ pool: recording, schema, autoMigrate: false });
      await store.getEvents('A', '1');
      await store.getStreamVersion({ aggregateType: 'A', aggregateId: '1' });
      await store.getSnapshot('A', '1');
      await store.getEventsByType('E');
    }
    const names = new Set(sent.map(statementName));
    expect(sent).toHaveLength(8);
    expect(names.size).toBe(8);
    expect(statementName(sent[0]!)).toBe(statementName(`${sent[0]}`));
    expect(statementName(sent[0]!).length).toBeLessThan(63);
  });
});
