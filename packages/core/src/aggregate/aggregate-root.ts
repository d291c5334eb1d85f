import type { Mutable } from '../adapter/mutable';
import { newEventId } from '../append/event-id';
import type { DomainEvent, Snapshot } from '../contract/types';
import { InvalidArgumentError } from '../errors';
import { assertDate, assertIdentifier, assertPositiveInteger } from '../validation/arguments';
import { assertJsonValue } from '../validation/json';
import type {
  AggregateEvent,
  AppliedEvent,
  AppliedEventOf,
  EventDataOf,
  EventHandlers,
  EventTypeOf,
  RaiseOptions,
} from './aggregate-event';
import type { EventSourcedAggregate } from './event-sourced-aggregate';
import { UnknownEventTypeError } from './unknown-event-type-error';

type AnyHandler = (data: unknown, event: AppliedEvent) => void;

/**
 * Base class of an event-sourced aggregate. A subclass names its aggregate type, declares one
 * handler per event type, and exposes commands that check the rules and then `raise()` events.
 * State changes only in handlers, so replaying the stored events rebuilds exactly the same state.
 *
 * - `raise(type, data)` is checked by the compiler against the event union `E`, applies the event
 *   through its handler, and queues it in `uncommittedEvents` with a fresh id, the current time and
 *   the next version.
 * - A handler-less event type (an unknown stored type) throws `UnknownEventTypeError`, never skips.
 * - `version` counts every applied event; `committedVersion` is the stream version as of the last
 *   load or save, which `Repository.save` passes as the expected version.
 * - Snapshots are opt-in: override `snapshotState()`/`restoreState()` and bump
 *   `snapshotSchemaVersion` whenever the state's shape changes.
 *
 * @typeParam E - the union of the aggregate's events, each an {@link AggregateEvent}
 * @typeParam S - the JSON shape of its snapshot state
 *
 * @example
 * ```ts
 * type BankAccountEvent =
 *   | AggregateEvent<'AccountOpened', { owner: string }>
 *   | AggregateEvent<'MoneyDeposited', { amount: number }>;
 *
 * class BankAccount extends AggregateRoot<BankAccountEvent, { owner: string; balance: number }> {
 *   readonly aggregateType = 'BankAccount';
 *   owner = '';
 *   balance = 0;
 *
 *   protected readonly handlers: EventHandlers<BankAccountEvent> = {
 *     AccountOpened: ({ owner }) => { this.owner = owner; },
 *     MoneyDeposited: ({ amount }) => { this.balance += amount; },
 *   };
 *
 *   open(owner: string): void {
 *     if (this.version > 0) throw new Error('already open');
 *     this.raise('AccountOpened', { owner });
 *   }
 *
 *   deposit(amount: number): void {
 *     if (amount <= 0) throw new Error('amount must be positive');
 *     this.raise('MoneyDeposited', { amount });
 *   }
 * }
 * ```
 */
export abstract class AggregateRoot<E extends AggregateEvent, S = unknown> implements EventSourcedAggregate {
  /** The stream's aggregate type, e.g. `'BankAccount'`. Declare it as a field in the subclass. */
  abstract readonly aggregateType: string;

  /** One handler per event type: the only place state changes. */
  protected abstract readonly handlers: EventHandlers<E>;

  /**
   * The schema version `raise()` stamps per event type, for types that have evolved (the upcasters
   * bring older stored versions up to it). Types not listed are version `1`.
   *
   * @example `protected override readonly eventSchemaVersions = { MoneyDeposited: 3 };`
   */
  protected readonly eventSchemaVersions: Partial<Record<EventTypeOf<E>, number>> = {};

  /**
   * The shape version of the snapshot state. Default `1`. Bump it whenever `snapshotState()` changes
   * shape: stored snapshots of another version are then ignored and the stream is replayed.
   */
  readonly snapshotSchemaVersion: number = 1;

  /** The aggregate's id: the stream's aggregate id. */
  readonly id: string;

  #version = 0;
  #committedVersion = 0;
  #uncommitted: AppliedEventOf<E>[] = [];

  /** @throws InvalidArgumentError when `id` is not a valid stream id (blank, too long…) */
  constructor(id: string) {
    assertIdentifier(id, 'id');
    this.id = id;
  }

  /** The version the state reflects, counting uncommitted events. `0` for a new aggregate. */
  get version(): number {
    return this.#version;
  }

  /** The stream version as of the last load or save: what `Repository.save` expects to find. */
  get committedVersion(): number {
    return this.#committedVersion;
  }

  /** Events raised since the last load or save, in order (a copy). */
  get uncommittedEvents(): readonly AppliedEventOf<E>[] {
    return [...this.#uncommitted];
  }

  /**
   * Creates an event, applies it through its handler and queues it for saving. If the handler
   * throws, nothing is queued and the version is unchanged.
   *
   * @throws InvalidArgumentError when the data is not JSON, or an option is malformed
   * @throws UnknownEventTypeError when no handler exists for `eventType` (JavaScript callers)
   */
  protected raise<T extends EventTypeOf<E>>(
    eventType: T,
    eventData: EventDataOf<E, T>,
    options: RaiseOptions = {},
  ): void {
    assertJsonValue(eventData, `${eventType}.eventData`);
    const event: Mutable<AppliedEvent> = {
      eventId: options.eventId ?? newEventId(),
      eventType,
      // A copy, so later changes to state objects that share structure with the data cannot alter
      // what will be stored.
      eventData: structuredClone(eventData),
      schemaVersion: options.schemaVersion ?? this.eventSchemaVersions[eventType] ?? 1,
      version: this.#version + 1,
      occurredAt: options.occurredAt ?? new Date(),
    };
    assertIdentifier(event.eventId, 'options.eventId');
    assertPositiveInteger(event.schemaVersion, 'options.schemaVersion');
    assertDate(event.occurredAt, 'options.occurredAt');
    for (const key of ['userId', 'correlationId', 'causationId'] as const) {
      const value = options[key];
      if (value !== undefined) {
        assertIdentifier(value, `options.${key}`);
        event[key] = value;
      }
    }
    if (options.metadata !== undefined) {
      assertJsonValue(options.metadata, 'options.metadata');
      event.metadata = structuredClone(options.metadata);
    }
    // The handler gets its own copy too: state that keeps a reference to it must share structure
    // neither with the caller's object nor with what will be stored.
    this.#dispatch({ ...event, eventData: structuredClone(eventData) });
    this.#version = event.version;
    this.#uncommitted.push(event as AppliedEventOf<E>);
  }

  /**
   * Applies stored events in order (what `Repository.load` does). Each must carry the next version
   * of this aggregate's own stream.
   *
   * @throws InvalidArgumentError when an event is out of sequence or from another stream, or there
   *   are uncommitted events
   * @throws UnknownEventTypeError when an event has no handler
   */
  loadFromHistory(events: Iterable<DomainEvent>): void {
    this.#assertNoUncommitted('load history');
    let i = 0;
    for (const event of events) {
      if (event.aggregateType !== this.aggregateType || event.aggregateId !== this.id) {
        throw new InvalidArgumentError(
          `events[${i}]`,
          `belongs to ${event.aggregateType}/${event.aggregateId}, not ${this.aggregateType}/${this.id}`,
        );
      }
      if (event.version !== this.#version + 1) {
        throw new InvalidArgumentError(
          `events[${i}].version`,
          `must be ${this.#version + 1} to follow version ${this.#version}, got ${event.version}`,
        );
      }
      this.#dispatch(event);
      this.#version = event.version;
      this.#committedVersion = event.version;
      i++;
    }
  }

  /** Records that every uncommitted event is stored (called by `Repository.save` after the append). */
  markCommitted(): void {
    this.#uncommitted = [];
    this.#committedVersion = this.#version;
  }

  /**
   * The committed state as a snapshot at the current version.
   *
   * @param createdAt - when it is taken. Default: now.
   * @throws InvalidArgumentError when there are uncommitted events (a snapshot of unsaved state
   *   could outlive a failed save), or the aggregate has no events yet
   */
  toSnapshot(createdAt: Date = new Date()): Snapshot<S> {
    this.#assertNoUncommitted('take a snapshot');
    if (this.#version === 0) {
      throw new InvalidArgumentError('aggregate', 'has no events yet, so there is nothing to snapshot');
    }
    return {
      aggregateType: this.aggregateType,
      aggregateId: this.id,
      version: this.#version,
      schemaVersion: this.snapshotSchemaVersion,
      state: this.snapshotState(),
      createdAt,
    };
  }

  /**
   * Restores this fresh aggregate from a snapshot of its own stream and schema version; events after
   * `snapshot.version` are then applied with {@link loadFromHistory}.
   *
   * @returns this aggregate
   * @throws InvalidArgumentError when the snapshot belongs to another stream or schema version, or
   *   the aggregate is not fresh
   */
  fromSnapshot(snapshot: Snapshot): this {
    if (this.#version !== 0) {
      throw new InvalidArgumentError('aggregate', 'must be fresh (version 0) to restore a snapshot');
    }
    if (snapshot.aggregateType !== this.aggregateType || snapshot.aggregateId !== this.id) {
      throw new InvalidArgumentError(
        'snapshot',
        `belongs to ${snapshot.aggregateType}/${snapshot.aggregateId}, not ${this.aggregateType}/${this.id}`,
      );
    }
    if (snapshot.schemaVersion !== this.snapshotSchemaVersion) {
      throw new InvalidArgumentError(
        'snapshot.schemaVersion',
        `is ${snapshot.schemaVersion}, but ${this.aggregateType} snapshots are version ${this.snapshotSchemaVersion}`,
      );
    }
    assertPositiveInteger(snapshot.version, 'snapshot.version');
    this.restoreState(snapshot.state as S);
    this.#version = snapshot.version;
    this.#committedVersion = snapshot.version;
    return this;
  }

  /**
   * The state to keep in a snapshot, as a JSON value of shape `S`. Override it (with
   * {@link restoreState}) to enable snapshots; the default throws.
   */
  protected snapshotState(): S {
    throw new Error(
      `${this.aggregateType} does not support snapshots: override snapshotState() and restoreState()`,
    );
  }

  /** Sets the state from what {@link snapshotState} returned. Override it to enable snapshots. */
  protected restoreState(_state: S): void {
    throw new Error(
      `${this.aggregateType} does not support snapshots: override snapshotState() and restoreState()`,
    );
  }

  #dispatch(event: AppliedEvent): void {
    const handlers = this.handlers as unknown as Record<string, AnyHandler | undefined>;
    // Own properties only: 'toString' or 'constructor' must not pass for a handler.
    const handler = Object.hasOwn(handlers, event.eventType) ? handlers[event.eventType] : undefined;
    if (typeof handler !== 'function') throw new UnknownEventTypeError(this.aggregateType, event);
    handler.call(this, event.eventData, event);
  }

  #assertNoUncommitted(action: string): void {
    if (this.#uncommitted.length > 0) {
      throw new InvalidArgumentError(
        'aggregate',
        `has ${this.#uncommitted.length} uncommitted event(s); save it before you ${action}`,
      );
    }
  }
}
