import { type EventStoreOptions, InvalidArgumentError } from '@chronicle/core';
import { assertPositiveInteger } from '@chronicle/core/adapter';
import { SCHEMA_PROFILES, type SqliteSchemaProfile } from './schema/schema-profile';
import type { SqliteDatabase } from './sqlite-driver';

/**
 * How hard SQLite works to keep a committed append through a power loss (`PRAGMA synchronous`).
 *
 * - `'full'` (default): in WAL mode every commit is synced to disk; nothing committed is lost.
 * - `'extra'`: like `'full'`, and also syncs the directory in rollback-journal modes.
 * - `'normal'`: in WAL mode commits are synced only at checkpoints: faster, still never corrupt,
 *   but the last commits before a power loss (not a process crash) can be lost.
 * - `'off'`: no syncing at all; a power loss can lose commits and, outside WAL, corrupt the file.
 */
export type SqliteSynchronous = 'extra' | 'full' | 'normal' | 'off';

/** Connection settings of {@link createSqliteEventStore}. */
export interface SqliteConnectionOptions {
  /**
   * How long a write waits for another connection's write lock before giving up with a retriable
   * `StoreUnavailableError`, in milliseconds. Default `5000`.
   */
  readonly busyTimeoutMs?: number;
  /** `PRAGMA synchronous`; see {@link SqliteSynchronous}. Default `'full'`: no committed append is lost. */
  readonly synchronous?: SqliteSynchronous;
  /**
   * How often a live subscription asks SQLite whether another connection or process committed
   * (`PRAGMA data_version`), in milliseconds. Appends through this store wake its subscribers at once
   * regardless. Default `20`: a check costs microseconds, and another process's commit reaches a
   * subscriber in about half the interval on average (bench W10).
   */
  readonly pollIntervalMs?: number;
  /** Events fetched per query in `readStream` (a stream is never read all at once). Default: `500`. */
  readonly streamPageSize?: number;
  /**
   * Which optional indexes and triggers the database has; see {@link SqliteSchemaProfile}. Opening
   * the store makes the file match a profile given here (dropping, or rebuilding, under the write
   * lock). Omitted: the file keeps the profile it has — `'full'` for a new file — so a second process
   * or a tool opening it with defaults never changes it.
   */
  readonly schemaProfile?: SqliteSchemaProfile;
}

/** Open a database file (created when missing) or `':memory:'`; the store closes it on `close()`. */
export interface SqliteFileOptions {
  /** Path of the database file, or `':memory:'` for a private in-memory database. */
  readonly filename: string;
  /** Not with `filename`: give one or the other. */
  readonly database?: never;
}

/** Use a connection you opened; `close()` leaves it open. */
export interface SqliteDatabaseOptions {
  /** An open better-sqlite3 `Database`. The store sets its pragmas and migrates its schema. */
  readonly database: SqliteDatabase;
  /** Not with `database`: give one or the other. */
  readonly filename?: never;
}

/**
 * Options of {@link createSqliteEventStore}: where the data lives, connection settings, and the
 * options every store takes (`upcasters`, `registry`, `clock`).
 *
 * @example
 * ```ts
 * const options: SqliteEventStoreOptions = { filename: 'events.db', busyTimeoutMs: 2000 };
 * ```
 */
export type SqliteEventStoreOptions = (SqliteFileOptions | SqliteDatabaseOptions) &
  SqliteConnectionOptions &
  EventStoreOptions;

/** Default of {@link SqliteConnectionOptions.pollIntervalMs}. */
export const DEFAULT_POLL_INTERVAL_MS = 20;

/** Default of {@link SqliteConnectionOptions.busyTimeoutMs}. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Default of {@link SqliteConnectionOptions.streamPageSize}, as on PostgreSQL. */
export const DEFAULT_STREAM_PAGE_SIZE = 500;

const SYNCHRONOUS_LEVELS: readonly SqliteSynchronous[] = ['extra', 'full', 'normal', 'off'];

/** Validates the connection settings and resolves their defaults. */
export function resolveConnectionOptions(options: SqliteConnectionOptions): Required<
  Omit<SqliteConnectionOptions, 'schemaProfile'>
> & {
  schemaProfile: SqliteSchemaProfile | undefined;
} {
  const {
    busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
    synchronous = 'full',
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
    streamPageSize = DEFAULT_STREAM_PAGE_SIZE,
    schemaProfile,
  } = options;
  if (schemaProfile !== undefined && !SCHEMA_PROFILES.includes(schemaProfile)) {
    throw new InvalidArgumentError(
      'options.schemaProfile',
      `must be 'full' or 'lean', got ${String(schemaProfile)}`,
    );
  }
  assertPositiveInteger(streamPageSize, 'options.streamPageSize');
  if (typeof pollIntervalMs !== 'number' || !Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 1) {
    throw new InvalidArgumentError(
      'options.pollIntervalMs',
      `must be a positive integer of milliseconds, got ${String(pollIntervalMs)}`,
    );
  }
  if (typeof busyTimeoutMs !== 'number' || !Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new InvalidArgumentError(
      'options.busyTimeoutMs',
      `must be a non-negative integer of milliseconds, got ${String(busyTimeoutMs)}`,
    );
  }
  if (!SYNCHRONOUS_LEVELS.includes(synchronous)) {
    throw new InvalidArgumentError(
      'options.synchronous',
      `must be one of ${SYNCHRONOUS_LEVELS.map((s) => `'${s}'`).join(', ')}, got ${String(synchronous)}`,
    );
  }
  return { busyTimeoutMs, synchronous, pollIntervalMs, streamPageSize, schemaProfile };
}
