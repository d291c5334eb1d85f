import type { AggregateEvent, AppliedEvent } from '../aggregate/aggregate-event';
import type { EventSourcedAggregate } from '../aggregate/event-sourced-aggregate';
import { InvalidArgumentError } from '../errors';
import { type GivenEvent, givenHistory } from './given-history';
import { type ErrorMatcher, expectError, expectThen, type Outcome, outcomeOf } from './then-clause';

/**
 * The event union of an aggregate, read from its `uncommittedEvents`:
 * `EventsOfAggregate<Order>` is `AggregateEvent<'OrderCreated', …> | …`.
 */
export type EventsOfAggregate<A extends EventSourcedAggregate> =
  A['uncommittedEvents'][number] extends infer U
    ? U extends AppliedEvent<infer Type, infer Data>
      ? AggregateEvent<Type, Data>
      : never
    : never;

/** The `then` of an aggregate specification. */
export interface AggregateThen<A extends EventSourcedAggregate> {
  /**
   * Expects exactly these raised events (type and data, in order; `[]` for none), or, given an
   * `Error`, that error (same name, message and code).
   *
   * @returns the aggregate after the call (for an expected error: the error)
   * @throws AssertionError with an expected-vs-actual diff otherwise
   */
  then(expected: readonly EventsOfAggregate<A>[]): A;
  then(expected: Error): unknown;
  /** Expects the call to throw an error matching `matcher` (a class, a predicate, or fields). */
  thenThrows(matcher: ErrorMatcher | Error): unknown;
}

/** The `when` of an aggregate specification. */
export interface AggregateWhen<A extends EventSourcedAggregate> {
  /** The method call under test, e.g. `(order) => order.confirm({ … })`. It must be synchronous. */
  when(call: (aggregate: A) => void): AggregateThen<A>;
}

/** An aggregate class under specification: `given(history).when(call).then(events | error)`. */
export interface AggregateSpecification<A extends EventSourcedAggregate> {
  /** The aggregate's history before the call (`[]` for a new aggregate). */
  given(events: readonly GivenEvent<EventsOfAggregate<A>>[]): AggregateWhen<A>;
}

/**
 * Specifications for an `AggregateRoot` subclass (or any `EventSourcedAggregate`): a fresh aggregate
 * from `create` loads the given history, the call runs, and `then` compares the events it raised.
 *
 * @param create - a fresh aggregate, e.g. `() => new Order('order-1')`
 *
 * @example
 * ```ts
 * aggregateSpecification(() => new BankAccount('acc-1'))
 *   .given([{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }])
 *   .when((account) => account.deposit(50))
 *   .then([{ eventType: 'MoneyDeposited', eventData: { amount: 50 } }]);
 * ```
 */
export function aggregateSpecification<A extends EventSourcedAggregate>(
  create: () => A,
): AggregateSpecification<A> {
  if (typeof create !== 'function') {
    throw new InvalidArgumentError('create', 'must be a function () => aggregate');
  }
  return {
    given(events) {
      return {
        when(call) {
          if (typeof call !== 'function') {
            throw new InvalidArgumentError('when(call)', 'must be a function (aggregate) => void');
          }
          const aggregate = create();
          aggregate.loadFromHistory(
            givenHistory(events as unknown as readonly GivenEvent<AggregateEvent>[], {
              aggregateType: aggregate.aggregateType,
              aggregateId: aggregate.id,
            }),
          );
          const outcome: Outcome<A> = outcomeOf(() => {
            const returned: unknown = call(aggregate);
            if (returned instanceof Promise) {
              throw new InvalidArgumentError('when(call)', 'must be synchronous (it returned a promise)');
            }
            return aggregate;
          });
          const eventsOf = (a: A) => a.uncommittedEvents as readonly EventsOfAggregate<A>[];
          return {
            // biome-ignore lint/suspicious/noThenProperty: given/when/then is the vocabulary; expectThen refuses an await.
            then: ((expected: readonly EventsOfAggregate<A>[] | Error) =>
              expectThen(outcome, eventsOf, expected)) as AggregateThen<A>['then'],
            thenThrows: (matcher) => expectError(outcome, eventsOf, matcher),
          };
        },
      };
    },
  };
}
