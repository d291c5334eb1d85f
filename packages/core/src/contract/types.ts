/**
 * The Chronicle event-store contract: the shapes every adapter reads and writes.
 *
 * Names follow the lesson so a learner recognises them; semantics are tightened where the lesson is
 * loose (see `docs/lesson-map.md`). `docs/contract.md` states every rule by number, with the
 * conformance tests that prove it.
 *
 * **Identifiers** — aggregate types, aggregate ids, event types and event ids — compare exactly, code
 * unit for code unit (rule 11): no case folding (`acc-1` ≠ `ACC-1`), no accent folding or Unicode
 * normalisation (`cafe`, `café` in NFC and `café` in NFD are three), no trimming or padding
 * (`x` ≠ `x `). They read back exactly as written.
 *
 * @packageDocumentation
 */
import type { CheckpointStore, EventBatch, SubscribeOptions } from './consuming';

/**
 * A stream's identity. A stream is named by **both** its aggregate type and its id: `Order/42` and
 * `Invoice/42` are two streams. Both compare exactly: `acc-1` and `ACC-1` are two streams.
 */
export interface StreamRef {
  /** The kind of aggregate, e.g. `'Order'`. Non-blank, at most 255 UTF-16 code units; compared exactly. */
  readonly aggregateType: string;
  /** The aggregate's id within its type, e.g. a UUID. Non-blank, at most 255 UTF-16 code units; compared exactly. */
  readonly aggregateId: string;
}

/** A JSON value that reads back exactly as written. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * An event to append. Only `eventType` and `eventData` are required; the store fills in the rest.
 *
 * @example
 * ```ts
 * const deposited: NewEvent<'MoneyDeposited', { amount: number }> = {
 *   eventType: 'MoneyDeposited',
 *   eventData: { amount: 100 },
 *   correlationId: requestId,
 * };
 * ```
 */
export interface NewEvent<Type extends string = string, Data = unknown> {
  /** What happened, in the past tense: `'OrderCreated'`. Non-blank, at most 255 UTF-16 code units; compared exactly. */
  readonly eventType: Type;
  /** The event's payload: any JSON value (objects, arrays, strings, finite numbers, booleans, null). */
  readonly eventData: Data;
  /**
   * The event's unique id and idempotency key. Default: a fresh UUID. Re-appending the same ids to the
   * same place is a no-op that returns the original result (see {@link EventStore.append}). Compared
   * exactly: `e-1` and `E-1` are two ids.
   */
  readonly eventId?: string;
  /** The shape version of `eventData`, a positive integer. Default: `1`. Upcasters key on it. */
  readonly schemaVersion?: number;
  /** When it happened. Default: now. Stored to the millisecond. */
  readonly occurredAt?: Date;
  /** Who caused it. */
  readonly userId?: string;
  /** Ties together every event caused by one request or process. */
  readonly correlationId?: string;
  /** The id of the event or command that caused this one. */
  readonly causationId?: string;
  /** Anything else worth keeping with the event, as a JSON object. */
  readonly metadata?: Record<string, unknown>;
}

/** A stored event, as every read returns it. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  /** Unique across the store. */
  readonly eventId: string;
  /** The stream's aggregate type. */
  readonly aggregateType: string;
  /** The stream's aggregate id. */
  readonly aggregateId: string;
  /** What happened. */
  readonly eventType: Type;
  /** The payload, after upcasting when upcasters are configured. */
  readonly eventData: Data;
  /** The shape version of `eventData`. */
  readonly schemaVersion: number;
  /** 1-based, gapless position within its stream. */
  readonly version: number;
  /** Global, store-assigned, increasing in read-all order. Gaps are allowed. */
  readonly position: bigint;
  /** When it happened, to the millisecond. */
  readonly occurredAt: Date;
  /** Who caused it, when known. */
  readonly userId?: string;
  /** The correlation id, when given. */
  readonly correlationId?: string;
  /** The causation id, when given. */
  readonly causationId?: string;
  /** Extra metadata, when given. */
  readonly metadata?: Record<string, unknown>;
}

/**
 * What the writer believes about the stream before appending.
 * - `n >= 0`: the stream's current version must be exactly `n` (`0` = no events yet);
 * - `'no_stream'`: the stream must have no events (same as `0`);
 * - `'stream_exists'`: the stream must have at least one event;
 * - `'any'`: no check.
 */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

/** What a successful append reports. */
export interface AppendResult {
  /** The stream's version after the append: pass it as the expected version of the next append. */
  readonly nextExpectedVersion: number;
  /** Global position of the first appended event (of the stream's last event, for an empty append; `0n` for an empty stream). */
  readonly firstPosition: bigint;
  /** Global position of the last appended event (of the stream's last event, for an empty append; `0n` for an empty stream). */
  readonly lastPosition: bigint;
}

/** A saved aggregate state, so that loading need not replay the whole stream. */
export interface Snapshot<State = unknown> {
  /** The stream's aggregate type. */
  readonly aggregateType: string;
  /** The stream's aggregate id. */
  readonly aggregateId: string;
  /** The stream version the state reflects (>= 1). */
  readonly version: number;
  /** The shape of `state`; a snapshot of another shape is ignored on load. Positive integer. */
  readonly schemaVersion: number;
  /** The aggregate's state as a JSON value. */
  readonly state: State;
  /** When the snapshot was taken. */
  readonly createdAt: Date;
}

/** Options of {@link EventStore.readStream}. */
export interface ReadStreamOptions {
  /**
   * Exclusive bound in the reading direction: forward reads versions above it (default `0`),
   * backward reads versions below it (default: from the newest).
   */
  readonly fromVersion?: number;
  /** `'forward'` (default) from the oldest, or `'backward'` from the newest. */
  readonly direction?: 'forward' | 'backward';
  /** The most events to return. Default: all. */
  readonly limit?: number;
}

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** Exclusive lower bound: only events with `position > fromPosition`. Default `0n`. */
  readonly fromPosition?: bigint;
  /** Only events of these aggregate types. Default (omitted): all. An empty list matches nothing. */
  readonly aggregateTypes?: readonly string[];
  /** Only events of these event types (as upcast). Default (omitted): all. An empty list matches nothing. */
  readonly eventTypes?: readonly string[];
  /** How many events each page fetches from storage. Default `500`. */
  readonly batchSize?: number;
}

/**
 * The writing and reading half of an {@link EventStore}: appends, stream and log reads, snapshots,
 * `close`. It is what a store must have before anything can consume it, and all that code which only
 * writes and reads needs (a repository, a command handler): such code accepts a `ReadWriteEventStore`,
 * so any store fits. An adapter implements this half first (the JSON-lines example in
 * `docs/adapter-authoring.md` stops there); `@chronicle/conformance` runs rules 1–11 on it.
 */
export interface ReadWriteEventStore {
  /**
   * Appends events to a stream atomically: all of them are stored, or none.
   *
   * The expected version is checked first (a mismatch throws `ConcurrencyError` with the actual
   * version). Repeating an append whose events all already stand in this stream, consecutively, at the
   * versions the expected version implies, writes nothing and returns where those events stand (for a
   * full repeat, the original result); any other reuse of a stored `eventId` throws
   * `DuplicateEventError`. An empty `events` array is a no-op that reports the current version, with
   * no version check. Bad input throws `InvalidArgumentError` and writes nothing.
   *
   * @example
   * ```ts
   * const { nextExpectedVersion } = await store.append(
   *   { aggregateType: 'BankAccount', aggregateId: 'acc-1' },
   *   'no_stream',
   *   [{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }],
   * );
   * ```
   */
  append(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): Promise<AppendResult>;

  /** A stream's events with `version > fromVersion` (default `0`), in version order. Empty when absent. */
  getEvents(aggregateType: string, aggregateId: string, fromVersion?: number): Promise<DomainEvent[]>;

  /** Iterates a stream's events, forward or backward, from an exclusive bound, up to a limit. */
  readStream(stream: StreamRef, options?: ReadStreamOptions): AsyncIterable<DomainEvent>;

  /** The stream's current version: the version of its last event, `0` when it has none. */
  getStreamVersion(stream: StreamRef): Promise<number>;

  /** The newest snapshot of a stream, or `null`. */
  getSnapshot(aggregateType: string, aggregateId: string): Promise<Snapshot | null>;

  /** Saves a snapshot; an older snapshot (lower `version`) never replaces a newer one. */
  saveSnapshot(snapshot: Snapshot): Promise<void>;

  /** Events of one type with `occurredAt >= fromDate` (default: all), in `position` order. */
  getEventsByType(eventType: string, fromDate?: Date): Promise<DomainEvent[]>;

  /** Events with `position > fromPosition` (default `0n`), optionally of one aggregate type, in `position` order. */
  getAllEvents(aggregateType?: string, fromPosition?: bigint): Promise<DomainEvent[]>;

  /**
   * Iterates the whole log in `position` order, page by page. A reader that repeatedly resumes from
   * the last position it saw sees every committed event exactly once.
   */
  readAll(options?: ReadAllOptions): AsyncIterable<DomainEvent>;

  /** Releases what the store holds (connections, file handles). The store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * An append-only event store that can be consumed live. Every adapter implements this contract and
 * passes `@chronicle/conformance`, which proves the semantics stated here and numbered in
 * `docs/contract.md` (rules 1–11 for the {@link ReadWriteEventStore} half, C1–C11 for consuming).
 * An adapter writes only the storage-specific parts of `subscribe` and `checkpoints`: the loop is
 * the adapter kit's `subscribeToSource`.
 */
export interface EventStore extends ReadWriteEventStore {
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
  /** The store's checkpoints, leases and parked events (C6, C7, C9). */
  readonly checkpoints: CheckpointStore;
}
