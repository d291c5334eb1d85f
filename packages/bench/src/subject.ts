import { isConcurrencyError, type SubscribableEventStore } from '@chronicle/core';
import type { BenchEvent } from './payload';

/** The storage drivers the bench compares. */
export type Driver = 'memory' | 'sqlite' | 'postgres';

/**
 * Every store the bench can run: the Chronicle adapters, the hand-written raw baselines (same
 * features) and the floors (the least an event store can be on the driver).
 */
export const TARGET_NAMES = [
  'memory',
  'sqlite',
  'sqlite-raw',
  'sqlite-floor',
  'postgres',
  'postgres-raw',
  'postgres-floor',
  // The PostgreSQL adapter with unnamed statements, as behind a transaction-mode pooler.
  'postgres-unnamed',
  // The adapters with `schemaProfile: 'lean'` (no secondary indexes the append path does not need).
  'sqlite-lean',
  'postgres-lean',
] as const;
/** One of {@link TARGET_NAMES}. */
export type TargetName = (typeof TARGET_NAMES)[number];

/**
 * The least a read returns: what a floor baseline reads back from a stream. Workloads verify with
 * these fields only (see `eventKey`), so the same checks hold for every subject.
 */
export interface StoredEvent {
  readonly version: number;
  readonly eventType: string;
  readonly data: unknown;
}

/** An event of read-all: a {@link StoredEvent} and its position, the cursor read-all pages by. */
export interface PositionedEvent extends StoredEvent {
  readonly position: bigint;
}

/**
 * An event as adapters and raw baselines read it back. Raw baselines build this much of an event
 * from each row, so their reads do comparable work to an adapter's `DomainEvent`.
 */
export interface ReadEvent extends PositionedEvent {
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly schemaVersion: number;
  readonly occurredAt: Date;
}

/** The state the benchmark aggregate folds to (W5): a bank account's balance. */
export interface AccountState {
  readonly id: string;
  readonly version: number;
  readonly balance: number;
  readonly deposits: number;
}

/** Thrown by a raw baseline's {@link Subject.append} when the expected version does not hold: nothing was written. */
export class BenchConflict extends Error {
  constructor(stream: string, expected: number) {
    super(`expected version ${expected} of ${stream} does not hold`);
    this.name = 'BenchConflict';
  }
}

/**
 * Whether an append failed because its expected version did not hold: a raw baseline's
 * {@link BenchConflict} or an adapter's own `ConcurrencyError`.
 */
export function isConflict(error: unknown): boolean {
  return error instanceof BenchConflict || isConcurrencyError(error);
}

/**
 * One store under test on its own storage, with the operations the workloads need. Adapters wrap a
 * Chronicle `EventStore` (and `Repository` for W5); raw baselines hand-write the same operations
 * with the same guarantees straight on the driver.
 */
export interface Subject {
  /** Where the storage lives (a file path, a schema name, or `memory`), for a child to reopen it. */
  readonly location: string;
  /**
   * Appends in one transaction, expecting the stream at exactly `expectedVersion` (0 = new).
   * @throws an error {@link isConflict} recognises when the expected version does not hold
   */
  append(stream: string, expectedVersion: number, events: readonly BenchEvent[]): Promise<void>;
  /** The stream's current version, 0 when absent. */
  streamVersion(stream: string): Promise<number>;
  /** Every event of the stream in version order. */
  readStream(stream: string): Promise<StoredEvent[]>;
  /** Every event of the store in position order, fetched `batchSize` at a time. */
  readAll(batchSize: number): AsyncIterable<PositionedEvent>;
  /** Loads the account: from its snapshot plus the events after it when one is stored, else a full replay. */
  loadAccount(id: string): Promise<AccountState>;
  /** Stores a snapshot of the account. */
  saveAccountSnapshot(state: AccountState): Promise<void>;
  /** Releases connections; the storage stays (see {@link SubjectFactory.dispose}). */
  close(): Promise<void>;
  /**
   * The Chronicle store itself, for the consuming workloads (W9–W11: subscriptions and processors
   * exist only on adapters, so their baseline is the same adapter's read-all). Absent on baselines.
   */
  readonly store?: SubscribableEventStore;
}

/** An adapter, a raw baseline with the same features, or a floor baseline with the fewest. */
export type TargetKind = 'adapter' | 'raw' | 'floor';

/** Creates subjects of one target, each on fresh storage. */
export interface SubjectFactory {
  readonly name: TargetName;
  readonly driver: Driver;
  readonly kind: TargetKind;
  /** A subject on fresh, empty storage. */
  open(): Promise<Subject>;
  /** A subject on storage another subject created (W7's child process reads what the parent seeded). */
  reopen(location: string): Promise<Subject>;
  /** Bytes the storage at `location` takes: its tables with their indexes (W8 divides by the events stored). */
  storageBytes(location: string): Promise<number>;
  /** Removes every storage this factory created (files, schemas). */
  dispose(): Promise<void>;
}
