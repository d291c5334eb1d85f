/**
 * The few better-sqlite3 members the store calls, declared structurally so that the published types
 * do not depend on `@types/better-sqlite3` (a better-sqlite3 `Database` satisfies them).
 */

/** What `Statement#run` reports. */
export interface SqliteRunResult {
  /** Rows changed by the statement. */
  readonly changes: number;
  /** The rowid of the last inserted row (a `bigint` when the statement uses safe integers). */
  readonly lastInsertRowid: number | bigint;
}

/** A prepared statement, as better-sqlite3 exposes it. */
export interface SqliteStatement {
  /** Runs a statement that returns no rows. */
  run(...params: unknown[]): SqliteRunResult;
  /** The first row, or `undefined`. */
  get(...params: unknown[]): unknown;
  /** Every row. */
  all(...params: unknown[]): unknown[];
  /** Returns 64-bit integers as `bigint` (`true`) or `number` (`false`). */
  safeIntegers(toggle?: boolean): this;
  /** Returns rows as arrays of column values (`true`) instead of objects keyed by column name. */
  raw(toggle?: boolean): this;
}

/**
 * A better-sqlite3 `Database`, described by the members the store uses.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const database: SqliteDatabase = new Database('events.db');
 * ```
 */
export interface SqliteDatabase {
  /** Compiles a statement. */
  prepare(source: string): SqliteStatement;
  /** Runs one or more statements that take no parameters. */
  exec(source: string): unknown;
  /** Reads or sets a pragma. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Closes the connection. */
  close(): unknown;
  /** Whether the connection is open. */
  readonly open: boolean;
  /** Whether a transaction is open on the connection. */
  readonly inTransaction: boolean;
  /** Whether the database lives in memory. */
  readonly memory: boolean;
  /** The file name the connection was opened with. */
  readonly name: string;
}
