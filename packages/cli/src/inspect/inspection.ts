/**
 * What the CLI asks of a store beyond the EventStore contract: listing streams, counts, sizes, the
 * schema version and integrity checks. One implementation per adapter reads that adapter's own tables
 * with its driver (inspect/sqlite.ts, inspect/postgres.ts).
 */
import type { ProjectionReads } from './projection-reads';

/** A stored event as the log holds it (no upcasting: operators see what is on disk). */
export interface StoredEvent {
  readonly position: string;
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly userId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/** One stream, as `streams` lists it. */
export interface StreamSummary {
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** The stream's current version (its number of events). */
  readonly version: number;
  /** The position of its newest event. */
  readonly lastPosition: string;
}

/** A transaction that keeps PostgreSQL's read horizon (and so every reader's head) from moving. */
export interface HorizonHolder {
  readonly pid: number;
  readonly state: string | null;
  readonly xactStart: string | null;
  /** Set when the transaction has written (holds back positions); null for read-only snapshots. */
  readonly backendXid: string | null;
  readonly backendXmin: string | null;
  readonly database: string | null;
  readonly query: string | null;
}

/** What `status` reports. */
export interface StoreStatus {
  readonly adapter: 'sqlite' | 'postgres';
  readonly location: string;
  readonly schemaVersion: number;
  readonly events: number;
  readonly streams: number;
  /** The highest position, or null when the log is empty. */
  readonly headPosition: string | null;
  readonly sizeBytes: number;
  /** PostgreSQL only: open transactions holding the read horizon, oldest first. */
  readonly horizonHolders?: readonly HorizonHolder[];
}

/** One problem `verify` found. */
export interface Finding {
  /** A stable kind, for scripts. */
  readonly check:
    | 'version-gap'
    | 'position-order'
    | 'duplicate-event-id'
    | 'guard-missing'
    | 'snapshot-ahead'
    | 'stream-head-mismatch';
  readonly message: string;
}

/** Reports progress of long work: `done` of `total` (total may grow while counting). */
export type ProgressSink = (done: number, total: number) => void;

/** The read side of a store for the CLI. Read-only: no method writes. */
export interface Inspection {
  readonly adapter: 'sqlite' | 'postgres';
  /** The store's location, safe to print (no password). */
  readonly location: string;
  /** The schema version the store records. */
  readonly schemaVersion: number;
  status(): Promise<StoreStatus>;
  /** The highest stored position, or null when the log is empty (one index look-up). */
  head(): Promise<string | null>;
  /**
   * A page of streams in (type, id) order, strictly after `after` (keyset pagination), optionally of
   * one type and with ids starting with `idPrefix` (a range on the index, not a scan, with a type).
   */
  streams(options: {
    readonly type?: string | undefined;
    readonly idPrefix?: string | undefined;
    readonly after?: { readonly type: string; readonly id: string } | undefined;
    readonly limit: number;
  }): Promise<StreamSummary[]>;
  /** A page of one stream's events with version > `afterVersion`, up to `toVersion`. */
  streamEvents(options: {
    readonly type: string;
    readonly id: string;
    readonly afterVersion: number;
    readonly toVersion?: number | undefined;
    readonly limit: number;
  }): Promise<StoredEvent[]>;
  /** A page of the log with position > `after` (exclusive), optionally of one event type. */
  events(options: {
    readonly after: string | null;
    readonly type?: string | undefined;
    readonly limit: number;
  }): Promise<StoredEvent[]>;
  /** The projections' versions and documents (check `supported()` first). */
  readonly projections: ProjectionReads;
  /** Runs every integrity check; resolves with what is wrong (empty when nothing is). */
  verify(progress: ProgressSink): Promise<Finding[]>;
  close(): Promise<void>;
}

/** How many rows one round trip reads while scanning (verify, paging). */
export const SCAN_PAGE = 5000;
