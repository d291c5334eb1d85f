import type { Mutable } from '../adapter/mutable';
import type { EventSourcedAggregate } from '../aggregate/event-sourced-aggregate';
import type { EventStore, NewEvent, StreamRef } from '../contract/types';
import { InvalidArgumentError } from '../errors';
import { neverSnapshot, type SnapshotContext, type SnapshotStrategy } from '../snapshot/snapshot-strategy';
import { assertIdentifier } from '../validation/arguments';
import { AggregateNotFoundError } from './aggregate-not-found-error';

/** What `onSnapshotError` is told besides the error itself. */
export interface SnapshotErrorInfo {
  /** The stream's aggregate type. */
  readonly aggregateType: string;
  /** The stream's aggregate id. */
  readonly aggregateId: string;
  /**
   * `'save'`: deciding, building or writing a snapshot after a committed save failed (the save still
   * succeeded). `'load'`: a stored snapshot could not be restored (the stream was replayed instead).
   */
  readonly phase: 'save' | 'load';
  /** The version of the snapshot concerned. */
  readonly version: number;
}

/** Options of {@link Repository}. */
export interface RepositoryOptions<A extends EventSourcedAggregate> {
  /** Returns a fresh, empty aggregate with this id, e.g. `(id) => new BankAccount(id)`. */
  readonly create: (id: string) => A;
  /** When to snapshot after a save. Default: {@link neverSnapshot}. */
  readonly snapshotStrategy?: SnapshotStrategy;
  /**
   * Told when a snapshot could not be taken after a committed save, or a stored one could not be
   * restored on load. Neither ever fails the save or load. Default: `console.warn`.
   */
  readonly onSnapshotError?: (error: unknown, info: SnapshotErrorInfo) => void;
  /** The clock for snapshot times and `maxSnapshotAge`. Default: `() => new Date()`. */
  readonly clock?: () => Date;
}

/**
 * Request-scoped metadata {@link Repository.save} stamps on every event it appends. A value the event
 * was raised with wins; `metadata` objects are merged, the event's keys winning.
 */
export interface SaveOptions {
  /** Who caused the events. */
  readonly userId?: string;
  /** Ties together every event caused by one request or process. */
  readonly correlationId?: string;
  /** The id of the command or event that caused these events. */
  readonly causationId?: string;
  /** Anything else worth keeping with the events, as a JSON object. */
  readonly metadata?: Record<string, unknown>;
}

/** What {@link Repository.save} reports. */
export interface SaveResult {
  /** The stream version after the save: the aggregate's `committedVersion` now. */
  readonly nextExpectedVersion: number;
  /** How many events were appended (`0` when there was nothing to save). */
  readonly eventsAppended: number;
  /** Global position of the first appended event; `undefined` when nothing was appended. */
  readonly firstPosition: bigint | undefined;
  /** Global position of the last appended event; `undefined` when nothing was appended. */
  readonly lastPosition: bigint | undefined;
  /** Whether a snapshot was written after the append. */
  readonly snapshotSaved: boolean;
}

const warn = (error: unknown, info: SnapshotErrorInfo): void => {
  console.warn(
    `[chronicle] snapshot ${info.phase} failed for ${info.aggregateType}/${info.aggregateId} at version ${info.version}`,
    error,
  );
};

/**
 * The last snapshot each live aggregate was restored from or saved, for counting since it. Kept per
 * process rather than per repository, so an aggregate loaded by one repository and saved by another
 * still counts from its real last snapshot.
 */
const lastSnapshots = new WeakMap<
  EventSourcedAggregate,
  { readonly version: number; readonly createdAt: Date }
>();

/**
 * Loads and saves one kind of aggregate over any {@link EventStore}.
 *
 * - `load(id)` restores the newest usable snapshot and applies the events after it. A snapshot of
 *   another `snapshotSchemaVersion`, or one ahead of the stream, is ignored and the stream replayed.
 *   It returns `null` for a stream with no events; `get(id)` throws `AggregateNotFoundError` instead.
 * - `save(aggregate)` appends the uncommitted events with the loaded version as expected version (a
 *   conflict throws `ConcurrencyError`, see `withRetry`), then asks the snapshot strategy. A failed
 *   snapshot is reported to `onSnapshotError` and never fails a save that committed.
 *
 * @example
 * ```ts
 * const accounts = new Repository(store, {
 *   create: (id) => new BankAccount(id),
 *   snapshotStrategy: everyNEvents(100),
 * });
 * const account = await accounts.get('acc-1');
 * account.deposit(50);
 * await accounts.save(account, { userId: 'u-7', correlationId: requestId });
 * ```
 */
export class Repository<A extends EventSourcedAggregate> {
  readonly #store: EventStore;
  readonly #create: (id: string) => A;
  readonly #strategy: SnapshotStrategy;
  readonly #onSnapshotError: (error: unknown, info: SnapshotErrorInfo) => void;
  readonly #clock: () => Date;

  /** @throws InvalidArgumentError when `create` is missing or an option is not a function */
  constructor(store: EventStore, options: RepositoryOptions<A>) {
    if (typeof options?.create !== 'function') {
      throw new InvalidArgumentError('options.create', 'must be a function (id) => aggregate');
    }
    for (const key of ['snapshotStrategy', 'onSnapshotError', 'clock'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'function') {
        throw new InvalidArgumentError(`options.${key}`, 'must be a function');
      }
    }
    this.#store = store;
    this.#create = options.create;
    this.#strategy = options.snapshotStrategy ?? neverSnapshot();
    this.#onSnapshotError = options.onSnapshotError ?? warn;
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * The aggregate rebuilt from its newest usable snapshot plus the events after it, or `null` when
   * its stream has no events.
   *
   * @throws InvalidArgumentError when `id` is malformed
   * @throws UnknownEventTypeError when a stored event has no handler
   */
  async load(id: string): Promise<A | null> {
    return (await this.#read(id)).aggregate;
  }

  /**
   * Like {@link load}, but an absent aggregate is an error.
   *
   * @throws AggregateNotFoundError when the stream has no events
   */
  async get(id: string): Promise<A> {
    const { aggregate, aggregateType } = await this.#read(id);
    if (aggregate === null) throw new AggregateNotFoundError(aggregateType, id);
    return aggregate;
  }

  /**
   * Appends the aggregate's uncommitted events, expecting the stream at `aggregate.committedVersion`,
   * then snapshots if the strategy says so. With nothing to save it does nothing.
   *
   * @throws ConcurrencyError when the stream moved since the aggregate was loaded (nothing written;
   *   the aggregate keeps its uncommitted events)
   */
  async save(aggregate: A, options: SaveOptions = {}): Promise<SaveResult> {
    const pending = aggregate.uncommittedEvents;
    if (pending.length === 0) {
      return {
        nextExpectedVersion: aggregate.committedVersion,
        eventsAppended: 0,
        firstPosition: undefined,
        lastPosition: undefined,
        snapshotSaved: false,
      };
    }
    const stream: StreamRef = { aggregateType: aggregate.aggregateType, aggregateId: aggregate.id };
    const result = await this.#store.append(
      stream,
      aggregate.committedVersion,
      pending.map((event) => stamp(event, options)),
    );
    aggregate.markCommitted();
    const snapshotSaved = await this.#snapshotIfDue(aggregate, pending.length);
    return {
      nextExpectedVersion: result.nextExpectedVersion,
      eventsAppended: pending.length,
      firstPosition: result.firstPosition,
      lastPosition: result.lastPosition,
      snapshotSaved,
    };
  }

  async #read(id: string): Promise<{ aggregate: A | null; aggregateType: string }> {
    assertIdentifier(id, 'id');
    let aggregate = this.#fresh(id);
    const { aggregateType } = aggregate;
    const snapshot = await this.#store.getSnapshot(aggregateType, id);
    if (snapshot !== null && snapshot.schemaVersion === aggregate.snapshotSchemaVersion) {
      const tail = await this.#store.getEvents(aggregateType, id, snapshot.version);
      // An empty tail means the stream is at the snapshot's version, or behind it: a snapshot ahead
      // of its stream (a restored backup, a reset stream) must not be trusted.
      const usable =
        tail.length > 0 ||
        (await this.#store.getStreamVersion({ aggregateType, aggregateId: id })) === snapshot.version;
      if (usable) {
        let restored = false;
        try {
          aggregate.fromSnapshot(snapshot);
          restored = true;
        } catch (error) {
          this.#report(error, { aggregateType, aggregateId: id, phase: 'load', version: snapshot.version });
          aggregate = this.#fresh(id);
        }
        if (restored) {
          aggregate.loadFromHistory(tail);
          lastSnapshots.set(aggregate, { version: snapshot.version, createdAt: snapshot.createdAt });
          return { aggregate, aggregateType };
        }
      }
    }
    const events = await this.#store.getEvents(aggregateType, id);
    if (events.length === 0) return { aggregate: null, aggregateType };
    aggregate.loadFromHistory(events);
    return { aggregate, aggregateType };
  }

  #fresh(id: string): A {
    const aggregate = this.#create(id);
    if (aggregate?.id !== id || aggregate.version !== 0) {
      throw new InvalidArgumentError('options.create', `must return a fresh aggregate with id '${id}'`);
    }
    return aggregate;
  }

  async #snapshotIfDue(aggregate: A, eventsAppended: number): Promise<boolean> {
    const last = lastSnapshots.get(aggregate) ?? null;
    const context: SnapshotContext = {
      aggregateType: aggregate.aggregateType,
      aggregateId: aggregate.id,
      version: aggregate.version,
      eventsAppended,
      eventsSinceSnapshot: aggregate.version - (last?.version ?? 0),
      lastSnapshot: last,
      now: this.#clock(),
    };
    try {
      if (!this.#strategy(context)) return false;
      const snapshot = aggregate.toSnapshot(context.now);
      await this.#store.saveSnapshot(snapshot);
      lastSnapshots.set(aggregate, { version: snapshot.version, createdAt: snapshot.createdAt });
      return true;
    } catch (error) {
      // The events are committed: a snapshot is only an optimisation, so report and carry on.
      this.#report(error, {
        aggregateType: context.aggregateType,
        aggregateId: context.aggregateId,
        phase: 'save',
        version: context.version,
      });
      return false;
    }
  }

  #report(error: unknown, info: SnapshotErrorInfo): void {
    try {
      this.#onSnapshotError(error, info);
    } catch {
      // A throwing hook must not turn a committed save (or a good replay) into a failure.
    }
  }
}

/** The event as the store takes it, with the save's metadata filled in where the event has none. */
function stamp(event: NewEvent, options: SaveOptions): NewEvent {
  const stamped: Mutable<NewEvent> = {
    eventType: event.eventType,
    eventData: event.eventData,
  };
  if (event.eventId !== undefined) stamped.eventId = event.eventId;
  if (event.schemaVersion !== undefined) stamped.schemaVersion = event.schemaVersion;
  if (event.occurredAt !== undefined) stamped.occurredAt = event.occurredAt;
  for (const key of ['userId', 'correlationId', 'causationId'] as const) {
    const value = event[key] ?? options[key];
    if (value !== undefined) stamped[key] = value;
  }
  if (event.metadata !== undefined || options.metadata !== undefined) {
    stamped.metadata = { ...options.metadata, ...event.metadata };
  }
  return stamped;
}
