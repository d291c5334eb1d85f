import type { AggregateEvent } from '../aggregate/aggregate-event';
import type { StreamRef } from '../contract/types';
import { assertDecider, type Decider, deciderName } from '../decider/decider';
import { decideEvents, evolveState, toAppliedEvents } from '../decider/decision';
import { type GivenEvent, givenHistory } from './given-history';
import { type ErrorMatcher, expectError, expectThen, type Outcome, outcomeOf } from './then-clause';

/** What a decider specification's command produced: the new events and the state after them. */
export interface DecisionResult<S, E extends AggregateEvent> {
  /** The decided events, type and data. */
  readonly events: readonly E[];
  /** The state after the given and the new events. */
  readonly state: S;
}

/** The `then` of a decider specification. */
export interface DeciderThen<S, E extends AggregateEvent> {
  /**
   * Expects exactly these events (type and data, in order; `[]` for none), or, given an `Error`, that
   * error (same name, message and code).
   *
   * @returns the events and the state after them (for an expected error: the error)
   * @throws AssertionError with an expected-vs-actual diff otherwise
   */
  then(expected: readonly E[]): DecisionResult<S, E>;
  then(expected: Error): unknown;
  /**
   * Expects the command to be refused with an error matching `matcher`: an error class, a predicate,
   * or fields (`{ code: 'NOT_DRAFT' }`).
   *
   * @returns the error
   */
  thenThrows(matcher: ErrorMatcher | Error): unknown;
}

/** The `when` of a decider specification. */
export interface DeciderWhen<S, C, E extends AggregateEvent> {
  /** The command to decide on the state the given events built. */
  when(command: C): DeciderThen<S, E>;
}

/** A decider under specification: `given(events).when(command).then(events | error)`. */
export interface DeciderSpecification<S, C, E extends AggregateEvent> {
  /** The stream's history before the command (`[]` for a new stream). */
  given(events: readonly GivenEvent<E>[]): DeciderWhen<S, C, E>;
}

/**
 * Specifications for a decider: given these events, when this command, then these events (or this
 * error). It runs the decider's own `evolve` and `decide` through the same checks as
 * `handleCommand`, so a decider that returns no array or an event `evolve` does not know fails here
 * as it would in production — without a store.
 *
 * @example
 * ```ts
 * const spec = deciderSpecification(account);
 * spec
 *   .given([{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }])
 *   .when({ type: 'Deposit', amount: 50 })
 *   .then([{ eventType: 'MoneyDeposited', eventData: { amount: 50 } }]);
 * ```
 */
export function deciderSpecification<S, C, E extends AggregateEvent>(
  decider: Decider<S, C, E>,
): DeciderSpecification<S, C, E> {
  assertDecider(decider as unknown);
  const name = deciderName(decider);
  const stream: StreamRef = { aggregateType: name, aggregateId: 'specification' };
  return {
    given(events) {
      const history = givenHistory(events, stream, decider.eventSchemaVersions);
      return {
        when(command) {
          // Given events that evolve cannot apply are a mistake in the specification: thrown as is.
          const before = evolveState(decider, decider.initialState(), history, name);
          const outcome: Outcome<DecisionResult<S, E>> = outcomeOf(() => {
            const decided = decideEvents(decider, command, before);
            const applied = toAppliedEvents(decider, decided, history.length, new Date());
            return { events: decided, state: evolveState(decider, before, applied, name) };
          });
          const eventsOf = (result: DecisionResult<S, E>) => result.events;
          return {
            // biome-ignore lint/suspicious/noThenProperty: given/when/then is the vocabulary; expectThen refuses an await.
            then: ((expected: readonly E[] | Error) =>
              expectThen(outcome, eventsOf, expected)) as DeciderThen<S, E>['then'],
            thenThrows: (matcher) => expectError(outcome, eventsOf, matcher),
          };
        },
      };
    },
  };
}
