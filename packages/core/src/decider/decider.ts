import type { AggregateEvent, AppliedEvent, EventDataOf, EventTypeOf } from '../aggregate/aggregate-event';
import { InvalidArgumentError } from '../errors';
import { assertIdentifier, assertPositiveInteger } from '../validation/arguments';

/**
 * One evolver per event type of the union, each receiving the state, that type's data and the whole
 * event (for `occurredAt`, `version`…), and returning the next state. The compiler insists on an
 * evolver for every type, as `EventHandlers` does for `AggregateRoot`; at run time an event without
 * one throws `UnknownEventTypeError`.
 *
 * @example
 * ```ts
 * const evolve: Evolvers<Account, AccountEvent> = {
 *   AccountOpened: (state, { owner }) => ({ ...state, open: true, owner }),
 *   MoneyDeposited: (state, { amount }) => ({ ...state, balance: state.balance + amount }),
 * };
 * ```
 */
export type Evolvers<S, E extends AggregateEvent> = {
  readonly [Type in EventTypeOf<E>]: (
    state: S,
    data: EventDataOf<E, Type>,
    event: AppliedEvent<Type, EventDataOf<E, Type>>,
  ) => S;
};

/**
 * Domain logic as three plain values, the functional counterpart of an `AggregateRoot` subclass:
 *
 * - `initialState()`: the state of a stream with no events;
 * - `evolve`: one pure function per event type, `(state, data, event) => nextState`;
 * - `decide(command, state)`: checks the rules and returns the events the command causes (an array,
 *   empty when nothing happens), or throws the domain's own error when a rule says no.
 *
 * The state is also the snapshot (so it must be JSON); bump `snapshotSchemaVersion` whenever its
 * shape changes, and list evolved event types in `eventSchemaVersions`, exactly as an aggregate does.
 *
 * @typeParam S - the state
 * @typeParam C - the union of commands `decide` accepts
 * @typeParam E - the union of events, each an `AggregateEvent`
 *
 * @example
 * ```ts
 * const account: Decider<Account, AccountCommand, AccountEvent> = {
 *   name: 'BankAccount',
 *   initialState: () => ({ open: false, owner: '', balance: 0 }),
 *   evolve: {
 *     AccountOpened: (state, { owner }) => ({ ...state, open: true, owner }),
 *     MoneyDeposited: (state, { amount }) => ({ ...state, balance: state.balance + amount }),
 *   },
 *   decide: (command, state) => {
 *     if (!state.open) throw new Error('no such account');
 *     return [{ eventType: 'MoneyDeposited', eventData: { amount: command.amount } }];
 *   },
 * };
 * ```
 */
export interface Decider<S, C, E extends AggregateEvent> {
  /** Names the decider in error messages, e.g. `'Order'`. Default `'decider'`. */
  readonly name?: string;
  /** A fresh state for a stream with no events (a function, so no two streams share one object). */
  readonly initialState: () => S;
  /** One evolver per event type. */
  readonly evolve: Evolvers<S, E>;
  /** The events `command` causes in `state`: an array, empty when nothing happens. */
  readonly decide: (command: C, state: S) => readonly E[];
  /**
   * The schema version stamped per event type when the decided events are appended (upcasters bring
   * older stored versions up to it). Types not listed are version `1`.
   */
  readonly eventSchemaVersions?: Partial<Record<EventTypeOf<E>, number>>;
  /** The shape version of the state as a snapshot. Default `1`; stored snapshots of another are ignored. */
  readonly snapshotSchemaVersion?: number;
}

/** Any decider, for code that does not care about its types. */
// biome-ignore lint/suspicious/noExplicitAny: the widest decider; callers keep their own types.
export type AnyDecider = Decider<any, any, AggregateEvent>;

/** The state type of a decider: `StateOf<typeof orderDecider>`. */
export type StateOf<D> = D extends Decider<infer S, infer _C, infer _E> ? S : never;
/** The command union of a decider. */
export type CommandOf<D> = D extends Decider<infer _S, infer C, infer _E> ? C : never;
/** The event union of a decider. */
export type EventOf<D> = D extends Decider<infer _S, infer _C, infer E> ? E : never;

/**
 * Checks a decider's parts once, when it is defined, and returns it unchanged, typed. Inference
 * follows the annotations on `decide` (command and state) and on the events it returns, so
 * `defineDecider<S, C, E>({...})` is only needed when they are not annotated.
 *
 * @throws InvalidArgumentError naming the malformed part (`decider.evolve.OrderCreated`…)
 */
export function defineDecider<S, C, E extends AggregateEvent>(decider: Decider<S, C, E>): Decider<S, C, E> {
  assertDecider(decider as unknown);
  return decider;
}

/** The decider's name for messages. */
export const deciderName = (decider: { readonly name?: string | undefined }): string =>
  decider.name ?? 'decider';

/**
 * Throws a typed error naming what is wrong with a value passed as a decider.
 *
 * @throws InvalidArgumentError
 */
export function assertDecider(decider: unknown, argument = 'decider'): asserts decider is AnyDecider {
  if (typeof decider !== 'object' || decider === null) {
    throw new InvalidArgumentError(argument, 'must be a decider { initialState, evolve, decide }');
  }
  const { name, initialState, evolve, decide, eventSchemaVersions, snapshotSchemaVersion } =
    decider as Partial<AnyDecider>;
  if (name !== undefined) assertIdentifier(name, `${argument}.name`);
  if (typeof initialState !== 'function') {
    throw new InvalidArgumentError(`${argument}.initialState`, 'must be a function () => state');
  }
  if (typeof decide !== 'function') {
    throw new InvalidArgumentError(`${argument}.decide`, 'must be a function (command, state) => events');
  }
  if (typeof evolve !== 'object' || evolve === null) {
    throw new InvalidArgumentError(
      `${argument}.evolve`,
      'must be an object with one function (state, data, event) => state per event type',
    );
  }
  for (const [eventType, evolver] of Object.entries(evolve)) {
    if (typeof evolver !== 'function') {
      throw new InvalidArgumentError(`${argument}.evolve.${eventType}`, 'must be a function');
    }
  }
  for (const [eventType, version] of Object.entries(eventSchemaVersions ?? {})) {
    assertPositiveInteger(version, `${argument}.eventSchemaVersions.${eventType}`);
  }
  if (snapshotSchemaVersion !== undefined) {
    assertPositiveInteger(snapshotSchemaVersion, `${argument}.snapshotSchemaVersion`);
  }
}
