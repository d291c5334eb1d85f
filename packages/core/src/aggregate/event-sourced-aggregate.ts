import type { DomainEvent, NewEvent, Snapshot } from '../contract/types';

/**
 * What `Repository` needs of an aggregate. `AggregateRoot` implements it; implement it yourself only
 * to plug in an aggregate that does not extend `AggregateRoot`.
 */
export interface EventSourcedAggregate {
  /** The stream's aggregate type, e.g. `'BankAccount'`. */
  readonly aggregateType: string;
  /** The stream's aggregate id. */
  readonly id: string;
  /** The version the state reflects, counting uncommitted events. */
  readonly version: number;
  /** The stream version as of the last load or save: the expected version of the next save. */
  readonly committedVersion: number;
  /** The shape version of `toSnapshot().state`; a stored snapshot of another shape is ignored. */
  readonly snapshotSchemaVersion: number;
  /** Events raised since the last load or save, in order. */
  readonly uncommittedEvents: readonly NewEvent[];
  /** Applies stored events, which must continue the aggregate's version without a gap. */
  loadFromHistory(events: Iterable<DomainEvent>): void;
  /** Records that every uncommitted event is now stored. */
  markCommitted(): void;
  /** The committed state as a snapshot. */
  toSnapshot(createdAt?: Date): Snapshot;
  /** Restores a fresh aggregate from a snapshot; returns the aggregate. */
  fromSnapshot(snapshot: Snapshot): this;
}
