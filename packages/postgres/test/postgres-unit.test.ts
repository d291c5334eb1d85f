import { isStoreUnavailableError, type StoreUnavailableError } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresPool } from '../src/index';
import { toStoreError } from '../src/postgres-errors';
import { assertSchemaName, quoteIdentifier } from '../src/schema/schema-name';
import { buildStatements, statementName } from '../src/sql/statements';

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

  it('maps driver failures to StoreUnavailableError, retriable only when a retry can help', () => {
    const retriable = (error: unknown) => {
      const mapped = toStoreError(error, 'append to A/1', 'chronicle');
      expect(isStoreUnavailableError(mapped)).toBe(true);
      return (mapped as StoreUnavailableError).retriable;
    };
    for (const code of ['57014', '57P01', '08006', '53300', '40001', '40P01', '55P03'])
      expect(retriable(databaseError(code))).toBe(true);
    expect(retriable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(retriable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(retriable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(retriable(databaseError('42P01', 'relation "chronicle.events" does not exist'))).toBe(false);
    expect(retriable(databaseError('22P02'))).toBe(false);
    expect(toStoreError(databaseError('3F000'), 'read', 'billing').message).toMatch(
      /schema "billing" is missing or not migrated/,
    );
    expect(toStoreError(databaseError('57014'), 'append to A/1', 's').message).toMatch(
      /statement_timeout.*nothing was written/,
    );
    const programmingError = new TypeError('x is not a function');
    expect(toStoreError(programmingError, 'read', 's')).toBe(programmingError);
  });

  it('names prepared statements by their text, so different statements never share a name', () => {
    const a = buildStatements('"a"');
    const b = buildStatements('"b"');
    const names = new Set(
      [a, b]
        .flatMap((s) => [s.append, s.eventsAfter, s.readAllPage(false, false), s.readAllPage(true, true)])
        .map(statementName),
    );
    expect(names.size).toBe(8);
    expect(statementName(a.append)).toBe(statementName(buildStatements('"a"').append));
    expect(statementName(a.append).length).toBeLessThan(63);
  });
});
