/**
 * The few node-postgres methods the adapter calls, declared structurally (as Kysely does) so that
 * `pg` stays a peer dependency and any compatible pool (pg.Pool, a wrapped or instrumented pool)
 * can be passed in.
 */

/** A query as the adapter sends it: text plus positional parameters, never interpolated values. */
export interface PostgresQueryConfig {
  /** SQL text with `$1`, `$2`, … placeholders. */
  readonly text: string;
  /** Parameter values, sent separately from the text. */
  readonly values?: readonly unknown[];
  /** A prepared-statement name: node-postgres parses the text once per connection. */
  readonly name?: string;
  /** `'array'` returns each row as an array, which skips building an object per row. */
  readonly rowMode?: 'array';
  /** Per-query type parsers, so the adapter does not depend on the pool's global parsers. */
  readonly types?: { getTypeParser(oid: number, format?: string): (value: string) => unknown };
}

/** What a query resolves to. */
export interface PostgresQueryResult<Row = unknown> {
  readonly rows: Row[];
  readonly rowCount?: number | null;
}

/** A connection checked out of a pool. */
export interface PostgresClient {
  query<Row = unknown>(config: PostgresQueryConfig): Promise<PostgresQueryResult<Row>>;
  query<Row = unknown>(text: string, values?: readonly unknown[]): Promise<PostgresQueryResult<Row>>;
  /** Returns the connection; pass an error (or `true`) to have the pool discard it. */
  release(destroy?: Error | boolean): void;
  /** node-postgres reports a connection lost while checked out as an `'error'` event here too. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The pool the store runs on: `pg.Pool` satisfies it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PostgresPool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PostgresPool {
  query<Row = unknown>(config: PostgresQueryConfig): Promise<PostgresQueryResult<Row>>;
  query<Row = unknown>(text: string, values?: readonly unknown[]): Promise<PostgresQueryResult<Row>>;
  connect(): Promise<PostgresClient>;
  end(): Promise<void>;
  on?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Options node-postgres's `Pool` takes when the store creates the pool from a connection string.
 * Unlisted `pg.PoolConfig` options are passed through as well.
 */
export interface PostgresPoolConfig {
  /** Most connections the pool opens. pg's default: 10. */
  readonly max?: number;
  /** How long to wait for a free connection before failing, in ms. pg's default: 0 (wait forever). */
  readonly connectionTimeoutMillis?: number;
  /** How long an idle connection is kept, in ms. pg's default: 10 000. */
  readonly idleTimeoutMillis?: number;
  /** Server-side statement timeout for every statement, in ms. Default: none. */
  readonly statement_timeout?: number;
  /** Shown in `pg_stat_activity.application_name`. */
  readonly application_name?: string;
  readonly [option: string]: unknown;
}

/**
 * The dedicated connection a store LISTENs on (a `pg.Client`): it stays open while subscriptions
 * wait, outside the pool's budget.
 */
export interface PostgresListenConnection {
  query(text: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string }) => void): unknown;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  removeAllListeners?(event: 'notification'): unknown;
  /** Closes the connection. */
  end(): Promise<void>;
}
