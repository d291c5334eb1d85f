/**
 * The consuming side of the contract: live subscriptions, checkpoints, leases and parked events.
 * Names and semantics are fixed by rules C1–C11 (`docs/contract.md`, "Consuming").
 *
 * @packageDocumentation
 */
import type { DomainEvent, EventStore } from './types';

/**
 * Which events a subscription or processor wants. Types are matched **after upcasting**, as
 * `readAll` does. An omitted list matches everything; an empty list matches nothing.
 */
export interface EventFilter {
  /** Only events of these (upcast) event types. */
  readonly eventTypes?: readonly string[];
  /** Only events of these aggregate types. */
  readonly aggregateTypes?: readonly string[];
}

/** Options of {@link SubscribableEventStore.subscribe}. */
export interface SubscribeOptions {
  /**
   * Exclusive start: deliver positions `> from`. `'start'` (default) is `0n`; `'end'` is the head when
   * the iteration starts (only events committed afterwards are delivered).
   */
  readonly from?: bigint | 'start' | 'end';
  /** Which events to deliver. Default: all. */
  readonly filter?: EventFilter;
  /** The most events per batch, a positive integer. Default `100`. */
  readonly batchSize?: number;
  /** `true` (default): after catching up, wait for new events. `false`: end once caught up. */
  readonly live?: boolean;
  /** Aborting it ends the iteration cleanly: no error, no further batch. */
  readonly signal?: AbortSignal;
}

/** One step of a subscription. */
export interface EventBatch {
  /** Matching events in increasing position order; may be empty when only filtered-out events were passed. */
  readonly events: readonly DomainEvent[];
  /**
   * Every position `<= through` has been examined and no event can still appear there: checkpoint
   * this. It is `>=` the last delivered position and advances past filtered-out events (C2).
   */
  readonly through: bigint;
  /** The batch reached the head visible when it was read. */
  readonly caughtUp: boolean;
  /** The newest position visible when the batch was read (`through` when caught up): what lag is measured against. */
  readonly head: bigint;
  /**
   * Set while the subscription waits on another connection's open transaction (C11, PostgreSQL):
   * a newer event is committed, but an older transaction could still write below it, so delivery
   * pauses until that transaction ends. A batch is yielded when a stall begins, so consumers see it.
   */
  readonly stalledBy?: HorizonHolder;
}

/**
 * The database session whose open transaction holds a reader back (C11): every position above the
 * point where it could still write waits until it commits or rolls back. What an operator needs to
 * find it (`pg_stat_activity`) and end it (`pg_terminate_backend(pid)`).
 */
export interface HorizonHolder {
  /** The backend's process id. */
  readonly pid: number;
  /** Its `application_name` (`''` when none was set). */
  readonly applicationName: string;
  /** Its state: `'active'`, `'idle in transaction'`, … */
  readonly state: string;
  /** When its transaction began: how long it has held readers back. */
  readonly transactionStartedAt: Date;
  /** The start of its last statement's text (at most 200 characters). */
  readonly query: string;
}

/** A processor's stored place in the log. */
export interface Checkpoint {
  /** The processor's id: the checkpoint key. */
  readonly processorId: string;
  /** Every event at or below it has been handled (or parked). */
  readonly position: bigint;
  /** When it was last written. */
  readonly updatedAt: Date;
}

/**
 * The right to run a processor id, for a while. Leases are rows with an expiry, not advisory locks,
 * so they survive poolers and restarts.
 */
export interface Lease {
  /** The processor id the lease is for. */
  readonly processorId: string;
  /** Who holds it: unique per processor instance. */
  readonly owner: string;
  /** Fencing token: grows on every successful claim, so a deposed holder's token is always stale. */
  readonly token: bigint;
  /** When it lapses unless renewed; after that any instance may claim it. */
  readonly expiresAt: Date;
}

/** Options of {@link CheckpointStore.save}. */
export interface SaveCheckpointOptions {
  /** The position the writer believes is stored (`undefined`: none yet). Compare-and-set on it. */
  readonly expected: bigint | undefined;
  /** When given, the save succeeds only while this lease is the current one (its token not superseded). */
  readonly lease?: Lease;
}

/** An event a processor gave up on (`onFailure: 'park'`), stored with its error. */
export interface ParkedEvent {
  /** The processor that parked it. */
  readonly processorId: string;
  /** The event's global position (read the event itself from the log). */
  readonly position: bigint;
  /** The event's id. */
  readonly eventId: string;
  /** The event's (upcast) type. */
  readonly eventType: string;
  /** The last error's message (a non-`Error` thrown is stringified). */
  readonly error: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** When it was parked. */
  readonly parkedAt: Date;
}

/** What {@link CheckpointStore.park} stores. */
export type ParkEventInput = Omit<ParkedEvent, 'processorId' | 'parkedAt'>;

/**
 * Checkpoints, leases and parked events, kept in the store's own database. Checkpoints only move
 * under compare-and-set (C6); a lease's fencing token stops a deposed instance from writing (C7).
 */
export interface CheckpointStore {
  /** The stored checkpoint, or `undefined` when the processor has none yet. */
  load(processorId: string): Promise<Checkpoint | undefined>;
  /**
   * Compare-and-set: stores `position` only when the stored position is `options.expected` and, when
   * `options.lease` is given, that lease is still the current one.
   *
   * @throws CheckpointConflictError when either check fails; nothing is written
   * @throws InvalidArgumentError on a blank id or a negative or non-bigint position
   */
  save(processorId: string, position: bigint, options: SaveCheckpointOptions): Promise<void>;
  /**
   * Claims the processor's lease for `owner` for `ttlMs`: succeeds when no one holds it, it expired,
   * or `owner` already holds it; every success issues a new, larger token.
   *
   * @returns the lease, or `undefined` while another owner holds an unexpired one
   */
  claim(processorId: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease that is still current (same token) by `ttlMs` from now; `undefined`: it was lost. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives the lease up (when still current), so a standby may claim it at once. */
  release(lease: Lease): Promise<void>;
  /** Every stored checkpoint, ordered by processor id. */
  list(): Promise<Checkpoint[]>;
  /**
   * The operator's rewind (or skip): stores `position` unconditionally. Stop the processor first; a
   * running one meets a `CheckpointConflictError` on its next save, returns to standby and reloads.
   */
  reset(processorId: string, position: bigint): Promise<void>;
  /** Stores a parked event (replacing one the processor parked at the same position). */
  park(processorId: string, event: ParkEventInput): Promise<void>;
  /** The processor's parked events, in position order. */
  listParked(processorId: string): Promise<ParkedEvent[]>;
  /** Removes a parked event (after a successful replay); `false` when there was none. */
  unpark(processorId: string, position: bigint): Promise<boolean>;
}

/**
 * An {@link EventStore} that can also be consumed live. This becomes part of `EventStore` once every
 * adapter implements it (the in-memory and SQLite stores do; PostgreSQL's is pending).
 */
export interface SubscribableEventStore extends EventStore {
  /**
   * Follows the log: batches of matching events in position order, each event once (C1), with a safe
   * `through` (C2); live after catching up (C3); at most one batch in hand (C4). Options are
   * validated at once: bad ones throw `InvalidArgumentError` before anything is read. Aborting the
   * signal, breaking out of the loop or closing the store ends it without error (C5).
   *
   * @example
   * ```ts
   * for await (const batch of store.subscribe({ from: 'start', filter: { eventTypes: ['OrderPlaced'] } })) {
   *   for (const event of batch.events) console.log(event.position, event.eventType);
   * }
   * ```
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<EventBatch>;
  /** The store's checkpoints, leases and parked events. */
  readonly checkpoints: CheckpointStore;
}
