import type { EventSourcedAggregate } from '../aggregate/event-sourced-aggregate';
import type { ReadWriteEventStore, StreamRef } from '../contract/types';
import { InvalidArgumentError } from '../errors';
import { traceSave } from '../observability/persistence-telemetry';
import {
  appendStamped,
  loadStreamState,
  type SaveOptions,
  type SnapshotErrorHandler,
  type SnapshotErrorInfo,
  type SnapshotMark,
  type StateRebuilder,
  snapshotIfDue,
  warnSnapshotError,
} from '../persistence/stream-persistence';
import { neverSnapshot, type SnapshotStrategy } from '../snapshot/snapshot-strategy';
import { assertIdentifier } from '../validation/arguments';
import { AggregateNotFoundError } from './aggregate-not-found-error';

// Defined beside the shared load/save core; exported from here too, where they were first declared.
export type { SaveOptions, SnapshotErrorInfo };

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

/**
 * The last snapshot each live aggregate was restored from or saved, for counting since it. Kept per
 * process rather than per repository, so an aggregate loaded by one repository and saved by another
 * still counts from its real last snapshot.
 */
const lastSnapshots = new WeakMap<EventSourcedAggregate, SnapshotMark>();

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
  readonly #store: ReadWriteEventStore;
  readonly #create: (id: string) => A;
  readonly #strategy: SnapshotStrategy;
  readonly #onSnapshotError: SnapshotErrorHandler;
  readonly #clock: () => Date;

  /** @throws InvalidArgumentError when `create` is missing or an option is not a function */
  constructor(store: ReadWriteEventStore, options: RepositoryOptions<A>) {
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
    this.#onSnapshotError = options.onSnapshotError ?? warnSnapshotError;
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
  save(aggregate: A, options: SaveOptions = {}): Promise<SaveResult> {
    const stream: StreamRef = { aggregateType: aggregate.aggregateType, aggregateId: aggregate.id };
    return traceSave(stream, () => this.#save(aggregate, stream, options));
  }

  async #save(aggregate: A, stream: StreamRef, options: SaveOptions): Promise<SaveResult> {
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
    const result = await appendStamped(this.#store, stream, aggregate.committedVersion, pending, options);
    aggregate.markCommitted();
    const mark = await snapshotIfDue(this.#store, {
      stream,
      version: aggregate.version,
      eventsAppended: pending.length,
      lastSnapshot: lastSnapshots.get(aggregate) ?? null,
      strategy: this.#strategy,
      clock: this.#clock,
      onSnapshotError: this.#onSnapshotError,
      take: (now) => aggregate.toSnapshot(now),
    });
    if (mark !== null) lastSnapshots.set(aggregate, mark);
    return {
      nextExpectedVersion: result.nextExpectedVersion,
      eventsAppended: pending.length,
      firstPosition: result.firstPosition,
      lastPosition: result.lastPosition,
      snapshotSaved: mark !== null,
    };
  }

  async #read(id: string): Promise<{ aggregate: A | null; aggregateType: string }> {
    assertIdentifier(id, 'id');
    // The first fresh aggregate names the stream (and proves the factory right before any read);
    // a restore that fails part-way leaves it dirty, so a replay after that starts from a new one.
    let spare: A | undefined = this.#fresh(id);
    const { aggregateType, snapshotSchemaVersion } = spare;
    const take = (): A => {
      const aggregate = spare ?? this.#fresh(id);
      spare = undefined;
      return aggregate;
    };
    const rebuilder: StateRebuilder<A> = {
      snapshotSchemaVersion,
      initial: take,
      restore: (snapshot) => take().fromSnapshot(snapshot),
      apply: (aggregate, events) => {
        aggregate.loadFromHistory(events);
        return aggregate;
      },
    };
    const stream: StreamRef = { aggregateType, aggregateId: id };
    const loaded = await loadStreamState(this.#store, stream, rebuilder, this.#onSnapshotError);
    if (loaded === null) return { aggregate: null, aggregateType };
    if (loaded.lastSnapshot !== null) lastSnapshots.set(loaded.state, loaded.lastSnapshot);
    return { aggregate: loaded.state, aggregateType };
  }

  #fresh(id: string): A {
    const aggregate = this.#create(id);
    if (aggregate?.id !== id || aggregate.version !== 0) {
      throw new InvalidArgumentError('options.create', `must return a fresh aggregate with id '${id}'`);
    }
    return aggregate;
  }
}
