import type { EventStoreOptions, HorizonHolder } from '@chronicle/core';
import type { ProjectableEventStore } from '@chronicle/core/adapter';
import type { PostgresPool, PostgresPoolConfig } from './postgres-driver';
import type { ReadReplica, ReplicaStatus } from './replica/read-replicas';
import type { MigrationReport } from './schema/migrate';
import type { PostgresSchemaProfile } from './schema/schema-profile';

/** The schema a store uses when none is given. */
export const DEFAULT_SCHEMA = 'chronicle';

/**
 * How long a read-all waits, by default, for writing transactions that began before the events it
 * can already see to finish (see `docs/postgres.md`, "Ordering").
 */
export const DEFAULT_IN_FLIGHT_WAIT_MS = 5_000;

/**
 * How often, by default, a caught-up or stalled subscription reads again without a wake-up, in ms.
 * NOTIFY normally wakes it at once; the poll is what keeps it moving where NOTIFY cannot arrive
 * (PgBouncer in transaction mode) or while the LISTEN connection reconnects.
 */
export const DEFAULT_POLL_INTERVAL_MS = 500;

/** The page size `readStream` uses when none is configured. */
export const DEFAULT_STREAM_PAGE_SIZE = 500;

/**
 * Where the store gets its connections — exactly one of `pool` and `connectionString` — and, when
 * given, the schema profile that `migrate()` (and `migratePostgres`) makes the schema match.
 */
export type PostgresConnectionOptions = PostgresSchemaProfileOption &
  (
    | {
        /**
         * A pool (e.g. `new pg.Pool(...)`) or a function that creates one on first use. The pool stays
         * yours: `close()` does not end it unless `endPoolOnClose` is `true`.
         */
        readonly pool: PostgresPool | (() => PostgresPool | Promise<PostgresPool>);
        readonly connectionString?: never;
        readonly poolConfig?: never;
        /** End the given pool in `close()`. Default: `false`. */
        readonly endPoolOnClose?: boolean;
      }
    | {
        /** A PostgreSQL URL, e.g. `postgres://user:pass@host:5432/db`. The store creates (and ends) its pool. */
        readonly connectionString: string;
        /** Options of the pool the store creates (`max`, `connectionTimeoutMillis`, `statement_timeout`, …). */
        readonly poolConfig?: PostgresPoolConfig;
        readonly pool?: never;
        readonly endPoolOnClose?: never;
      }
  );

/** See {@link PostgresConnectionOptions}. */
export interface PostgresSchemaProfileOption {
  /**
   * Which optional indexes the schema has: `'full'` (every index) or `'lean'` (without
   * `events_event_type_position_idx`, which appends do not need; see {@link PostgresSchemaProfile}
   * and docs/postgres.md, "Schema profiles"). `migrate()` — or the first statement, with
   * `autoMigrate` — makes the schema match a profile given here: it drops the index, or builds it
   * again. Omitted: the schema keeps what it has (`'full'` for a new one), so a tool or another
   * process opening the store with defaults never changes it.
   */
  readonly schemaProfile?: PostgresSchemaProfile;
}

/** What a store is configured with besides its connection. */
export interface PostgresStoreSettings extends EventStoreOptions {
  /**
   * The PostgreSQL schema holding the store's tables, so several stores share a database. Letters,
   * digits and `_`, starting with a letter or `_`, at most 63 characters. Default: `'chronicle'`.
   */
  readonly schema?: string;
  /**
   * Run {@link PostgresEventStore.migrate} before the first operation. Default: `true`. Turn it off
   * when migrations run separately (`chronicle-pg-migrate`) and the application's database role
   * may not create tables.
   */
  readonly autoMigrate?: boolean;
  /**
   * How long `readAll`/`getAllEvents` wait for older writing transactions still in flight before
   * returning what is safe to return, in ms. Default: `5000`.
   */
  readonly inFlightWaitMs?: number;
  /** Events fetched per round trip by `readStream`. Default: `500`. */
  readonly streamPageSize?: number;
  /**
   * Send the store's statements as named prepared statements, parsed once per connection. Default:
   * `true`. Set `false` behind a pooler that cannot keep them (PgBouncer in transaction mode before
   * 1.21, or without `max_prepared_statements`). A store that meets the errors such a pooler causes
   * (`42P05` statement already exists, `26000` does not exist — both before anything runs) switches
   * to unnamed statements by itself and sends the call again.
   */
  readonly prepareStatements?: boolean;
  /**
   * Hot standbys (streaming replicas) to send the reading side to: `readAll`, `getAllEvents` and
   * subscriptions (so processors' and projections' catch-up) page through them in turn. Appends,
   * checkpoints, leases, snapshots and stream reads for aggregates stay on the primary
   * (read-your-writes). A standby that fails is left out for a second; with none answering, reads go
   * to the primary. Never-skip (C1) holds on a standby: see `docs/scaling.md`. Default: none.
   */
  readonly readReplicas?: readonly ReadReplica[];
  /**
   * How often a caught-up or stalled subscription reads again without a wake-up, in ms (a positive
   * integer). Default: {@link DEFAULT_POLL_INTERVAL_MS} (500). Behind PgBouncer in transaction mode,
   * where notifications do not arrive, this is the delivery latency: lower it there if it matters.
   */
  readonly pollIntervalMs?: number;
  /**
   * Wake subscriptions with LISTEN/NOTIFY on a dedicated connection (opened while any subscription
   * waits, outside the pool: a `pg.Client` with the pool's settings). Default: `true`. Set `false`
   * behind a transaction-mode pooler, where LISTEN is accepted but nothing arrives: subscriptions
   * then poll every `pollIntervalMs` and no connection is spent on listening.
   */
  readonly listen?: boolean;
  /**
   * After each append commits, send a payload-free `NOTIFY` (in a statement of its own, shared with
   * appends committing meanwhile, at most one every 2 ms) so subscribers in other processes wake at
   * once — only while some session LISTENs on the schema's channel, looked up at most once a second.
   * Default: `true`. Set `false` when every subscriber polls: it saves that look-up too. This
   * store's own subscribers wake either way.
   */
  readonly notify?: boolean;
}

/**
 * Options of {@link createPostgresEventStore}: a connection (`pool` or `connectionString`) plus
 * {@link PostgresStoreSettings}.
 *
 * @example
 * ```ts
 * const store = createPostgresEventStore({
 *   connectionString: 'postgres://postgres@127.0.0.1:5432/app',
 *   schema: 'billing_events',
 * });
 * ```
 */
export type PostgresEventStoreOptions = PostgresConnectionOptions & PostgresStoreSettings;

/**
 * An event store on PostgreSQL, subscribable (checkpoints, leases and parked events live in its
 * schema), with what only it has.
 */
export interface PostgresEventStore extends ProjectableEventStore {
  /** The schema the store lives in (validated). */
  readonly schema: string;
  /**
   * Creates or upgrades the store's schema: applies every pending migration under an advisory lock
   * (safe to run from several processes at once), then records the registry's event types.
   * Idempotent.
   */
  migrate(): Promise<MigrationReport>;
  /** Each of `readReplicas`' state and lag (an empty list without replicas). */
  replicaStatus(): Promise<ReplicaStatus[]>;
  /**
   * Waits until every standby shows the log up to `position` — e.g. your append's `lastPosition` —
   * so a `readAll` after it sees the event; a standby that is down counts as behind. Resolves at once
   * without replicas.
   *
   * @param options.timeoutMs - how long to wait, default `5000`
   * @throws ReplicaLagError when a standby is still behind after the timeout
   */
  waitForReplicas(position: bigint, options?: { readonly timeoutMs?: number }): Promise<void>;
  /**
   * The session whose open transaction holds the read horizon now: the oldest transaction on the
   * server that has written. Readers wait on it before returning newer positions (C11). `undefined`
   * when no other session has a writing transaction open. A subscription reports the same in its
   * batches' `stalledBy` (and a processor in `status().stalledBy`) while it waits on one.
   */
  horizonHolder(): Promise<HorizonHolder | undefined>;
  /**
   * Ends the pool if the store created it (from `connectionString`, or `endPoolOnClose`); a pool you
   * passed in stays open. The store is unusable afterwards.
   */
  close(): Promise<void>;
}
