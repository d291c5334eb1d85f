import { StoreUnavailableError } from '@chronicle/core';
import type {
  PostgresClient,
  PostgresListenConnection,
  PostgresPool,
  PostgresPoolConfig,
} from './postgres-driver';
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
type ClientConstructor = new (
  config: Record<string, unknown>,
) => PostgresListenConnection & {
  connect(): Promise<void>;
};

/** node-postgres, imported on first use (a peer dependency). */
async function importPg(): Promise<{
  Pool: PoolConstructor | undefined;
  Client: ClientConstructor | undefined;
}> {
  const pg = (await import('pg')) as unknown as {
    Pool?: PoolConstructor;
    Client?: ClientConstructor;
    default?: { Pool?: PoolConstructor; Client?: ClientConstructor };
  };
  return { Pool: pg.Pool ?? pg.default?.Pool, Client: pg.Client ?? pg.default?.Client };
}

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
  const { Pool } = await importPg();
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
  const ignore = (): void => {};
  const client = await connectListening(pool, (connected) => connected.on?.('error', ignore));
  const release = client.release.bind(client);
  return {
    query: client.query.bind(client) as PostgresClient['query'],
    release(destroy) {
      client.off?.('error', ignore);
      release(destroy);
    },
  };
}

type ConnectCallback = (error: Error | undefined, client: PostgresClient | undefined) => void;

/**
 * `pool.connect()`, calling `listen` on the client the moment the pool hands it over. pg.Pool takes
 * its own idle listener off a client just before it hands it over, and for a new connection does so
 * inside the socket's data handler: a server message in the same chunk (a FATAL from
 * `pg_terminate_backend` right after start-up) is emitted before a promise's continuation could add
 * a listener, and crashes the process. The callback form runs synchronously at hand-over, so it is
 * used when the pool takes it; a pool whose `connect` only returns a promise is awaited.
 */
function connectListening(
  pool: PostgresPool,
  listen: (client: PostgresClient) => void,
): Promise<PostgresClient> {
  return new Promise<PostgresClient>((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, client: PostgresClient | undefined): void => {
      if (settled) return;
      settled = true;
      if (client === undefined) {
        reject(error);
        return;
      }
      listen(client);
      resolve(client);
    };
    let returned: unknown;
    try {
      returned = (pool.connect as unknown as (callback: ConnectCallback) => unknown)((error, client) =>
        settle(error, error === undefined || error === null ? client : undefined),
      );
    } catch (error) {
      settle(error, undefined);
      return;
    }
    if (typeof (returned as PromiseLike<PostgresClient> | undefined)?.then === 'function') {
      (returned as PromiseLike<PostgresClient>).then(
        (client) => settle(undefined, client),
        (error: unknown) => settle(error, undefined),
      );
    }
  });
}

/**
 * Opens the connection a store LISTENs on. A `pg.Pool` (the store's own, or one passed in) keeps its
 * connection settings in `options`: a `pg.Client` with the same settings is opened beside it, outside
 * the pool's budget. Any other pool lends one of its connections for as long as subscriptions wait.
 */
export async function openListenConnection(pool: PostgresPool): Promise<PostgresListenConnection> {
  const settings = (pool as { options?: Record<string, unknown> }).options;
  const Client = settings === undefined ? undefined : (await importPg()).Client;
  if (settings !== undefined && Client !== undefined) {
    const client = new Client(settings);
    // Until the caller attaches its own: a connection lost during start-up must not crash the process.
    client.on('error', () => {});
    await client.connect();
    return client;
  }
  const ignore = (): void => {};
  const lent = await connectListening(pool, (client) => client.on?.('error', ignore));
  const events = lent as unknown as PostgresListenConnection;
  return {
    query: (text) => lent.query(text),
    on: (event: never, listener: never) => events.on(event, listener),
    removeAllListeners: (event) => events.removeAllListeners?.(event),
    async end() {
      // Destroyed, not returned: a connection that LISTENed must not serve the pool's next caller.
      lent.release(true);
    },
  };
}
