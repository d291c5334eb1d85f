import { isConcurrencyError } from '@chronicle/core';
import type { BenchEvent } from './payload';

/** The storage drivers the bench compares. */
export type Driver = 'memory' | 'sqlite' | 'postgres';

/** Every store the bench can run: the Chronicle adapters and the hand-written raw baselines. */
export const TARGET_NAMES = [
  'memory',
  'sqlite',
  'sqlite-raw',
  'postgres',
  'postgres-raw',
  // The PostgreSQL adapter with unnamed statements, as behind a transaction-mode pooler.
  'postgres-unnamed',
] as const;
/** One of {@link TARGET_NAMES}. */
export type TargetName = (typeof TARGET_NAMES)[number];

/**
 * An event as a subject reads it back (read-all and stream reads). Raw baselines build this much of
 * an event from each row, so their reads do comparable work to an adapter's `DomainEvent`.
 */
export interface ReadEvent {
  readonly position: bigint;
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly eventType: string;
  readonly version: number;
  readonly schemaVersion: number;
  readonly data: unknown;
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
  readStream(stream: string): Promise<ReadEvent[]>;
  /** Every event of the store in position order, fetched `batchSize` at a time. */
  readAll(batchSize: number): AsyncIterable<ReadEvent>;
  /** Loads the account: from its snapshot plus the events after it when one is stored, else a full replay. */
  loadAccount(id: string): Promise<AccountState>;
  /** Stores a snapshot of the account. */
  saveAccountSnapshot(state: AccountState): Promise<void>;
  /** Releases connections; the storage stays (see {@link SubjectFactory.dispose}). */
  close(): Promise<void>;
}

/** Creates subjects of one target, each on fresh storage. */
export interface SubjectFactory {
  readonly name: TargetName;
  readonly driver: Driver;
  readonly kind: 'adapter' | 'raw';
  /** A subject on fresh, empty storage. */
  open(): Promise<Subject>;
  /** A subject on storage another subject created (W7's child process reads what the parent seeded). */
  reopen(location: string): Promise<Subject>;
  /** Removes every storage this factory created (files, schemas). */
  dispose(): Promise<void>;
}
