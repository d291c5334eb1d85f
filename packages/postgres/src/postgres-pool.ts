import { StoreUnavailableError } from '@chronicle/core';
import type { PostgresClient, PostgresPool, PostgresPoolConfig } from './postgres-driver';
import type { PostgresConnectionOptions } from './postgres-options';

/** A pool, resolved on first use, and whether the store must end it on close. */
export interface PoolSource {
  /** The pool, created or resolved once. */
  get(): Promise<PostgresPool>;
  /** Whether `get()` has produced a pool yet. */
  readonly resolved: PostgresPool | undefined;
  /** Whether `close()` ends the pool. */
  readonly owned: boolean;
}

type PoolConstructor = new (config: Record<string, unknown>) => PostgresPool;

/**
 * Resolves the connection options into a lazily created pool: a given pool as is, a factory on first
 * use, a connection string into a `pg.Pool` (imported only then, so `pg` stays a peer dependency).
 */
export function createPoolSource(options: PostgresConnectionOptions): PoolSource {
  let resolved: PostgresPool | undefined;
  let pending: Promise<PostgresPool> | undefined;
  const owned = options.connectionString !== undefined || options.endPoolOnClose === true;

  const create = async (): Promise<PostgresPool> => {
    if (options.connectionString !== undefined) {
      return createPgPool(options.connectionString, options.poolConfig ?? {});
    }
    const { pool } = options;
    return typeof pool === 'function' ? await pool() : pool;
  };

  return {
    get resolved() {
      return resolved;
    },
    owned,
    get() {
      if (resolved !== undefined) return Promise.resolve(resolved);
      pending ??= create().then(
        (pool) => {
          resolved = pool;
          return pool;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
  };
}

async function createPgPool(connectionString: string, config: PostgresPoolConfig): Promise<PostgresPool> {
  const pg = (await import('pg')) as unknown as {
    Pool?: PoolConstructor;
    default?: { Pool: PoolConstructor };
  };
  const Pool = pg.Pool ?? pg.default?.Pool;
  if (Pool === undefined) {
    throw new StoreUnavailableError("PostgreSQL: the installed 'pg' package does not export Pool", {
      retriable: false,
    });
  }
  const pool = new Pool({ ...config, connectionString });
  // An idle connection the server drops (restart, pg_terminate_backend) is reported as an 'error'
  // event on the pool; unhandled, that event would crash the process. The pool already discards
  // the connection and the next query opens a fresh one.
  pool.on?.('error', () => {});
  return pool;
}

/**
 * Checks a client out of `pool` with an `'error'` listener for as long as it is checked out. When the
 * server drops a checked-out connection (restart, `pg_terminate_backend`), node-postgres rejects the
 * running query *and* emits `'error'` on the client; unhandled, that event crashes the process. The
 * rejection already carries the failure to the caller, so the listener only has to exist. `release`
 * removes it (the pool puts its own idle listener back) and discards the connection when told to.
 */
export async function checkOutClient(pool: PostgresPool): Promise<PostgresClient> {
  const client = await pool.connect();
  const ignore = (): void => {};
  client.on?.('error', ignore);
  const release = client.release.bind(client);
  return {
    query: client.query.bind(client) as PostgresClient['query'],
    release(destroy) {
      client.off?.('error', ignore);
      release(destroy);
    },
  };
}
