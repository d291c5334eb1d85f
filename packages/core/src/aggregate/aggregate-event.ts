/**
 * One kind of event an aggregate raises: its type and the shape of its data. An aggregate's events
 * are a union of these, so `raise('MoneyDeposited', { amount })` is checked by the compiler.
 *
 * @example
 * ```ts
 * type BankAccountEvent =
 *   | AggregateEvent<'AccountOpened', { owner: string }>
 *   | AggregateEvent<'MoneyDeposited', { amount: number }>
 *   | AggregateEvent<'MoneyWithdrawn', { amount: number }>;
 * ```
 */
export interface AggregateEvent<Type extends string = string, Data = unknown> {
  /** What happened, in the past tense. */
  readonly eventType: Type;
  /** The event's payload (a JSON value). */
  readonly eventData: Data;
}

/** The event types of an aggregate's event union: `EventTypeOf<BankAccountEvent>` is `'AccountOpened' | …`. */
export type EventTypeOf<E extends AggregateEvent> = E['eventType'];

/** The data of one event type of a union: `EventDataOf<BankAccountEvent, 'MoneyDeposited'>` is `{ amount: number }`. */
export type EventDataOf<E extends AggregateEvent, Type extends EventTypeOf<E>> = Extract<
  E,
  { readonly eventType: Type }
>['eventData'];

/**
 * An event as a handler sees it: raised a moment ago, or replayed from the store (a stored
 * `DomainEvent` is one of these). `occurredAt` is the same in both cases, because `raise()` stamps it.
 */
export interface AppliedEvent<Type extends string = string, Data = unknown> {
  /** The event's id (assigned by `raise()`, kept by the store). */
  readonly eventId: string;
  /** What happened. */
  readonly eventType: Type;
  /** The payload. */
  readonly eventData: Data;
  /** The shape version of `eventData` (after upcasting, for a replayed event). */
  readonly schemaVersion: number;
  /** The stream version this event has (or will have once saved). */
  readonly version: number;
  /** When it happened. */
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
 * One handler per event type of the union, each receiving that type's data (and the whole event for
 * context such as `occurredAt`). The compiler insists on a handler for every type; at run time an
 * event without a handler throws `UnknownEventTypeError`.
 *
 * @example
 * ```ts
 * protected readonly handlers: EventHandlers<BankAccountEvent> = {
 *   AccountOpened: ({ owner }) => { this.owner = owner; },
 *   MoneyDeposited: ({ amount }) => { this.balance += amount; },
 *   MoneyWithdrawn: ({ amount }) => { this.balance -= amount; },
 * };
 * ```
 */
export type EventHandlers<E extends AggregateEvent> = {
  readonly [Type in EventTypeOf<E>]: (
    data: EventDataOf<E, Type>,
    event: AppliedEvent<Type, EventDataOf<E, Type>>,
  ) => void;
};

/** Per-event options of `raise()`. Metadata given here wins over what `Repository.save` adds. */
export interface RaiseOptions {
  /** The event's id. Default: a fresh UUID, fixed at raise time so a repeated save is idempotent. */
  readonly eventId?: string;
  /** The shape version of the data. Default: the aggregate's `eventSchemaVersions` entry, else `1`. */
  readonly schemaVersion?: number;
  /** When it happened. Default: now. */
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

/**
 * The {@link AppliedEvent} form of each member of an event union, still discriminated by
 * `eventType`: what `uncommittedEvents` holds.
 */
export type AppliedEventOf<E extends AggregateEvent> = E extends AggregateEvent
  ? AppliedEvent<E['eventType'], E['eventData']>
  : never;
