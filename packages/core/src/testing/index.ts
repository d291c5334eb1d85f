/**
 * `@chronicle/core/testing`: given/when/then specifications for deciders and aggregates. A separate
 * entry, so applications do not ship it. Framework-neutral: a failing `then` throws node:assert's
 * `AssertionError`, which vitest, node:test, Jest and Mocha all report with a diff.
 *
 * Projections will get `given(events).then(documents)` on the same `then` core (./then-clause.ts).
 *
 * @packageDocumentation
 */
export {
  type AggregateSpecification,
  type AggregateThen,
  type AggregateWhen,
  aggregateSpecification,
  type EventsOfAggregate,
} from './aggregate-specification';
export {
  type DeciderSpecification,
  type DeciderThen,
  type DeciderWhen,
  type DecisionResult,
  deciderSpecification,
} from './decider-specification';
export { GIVEN_AT, type GivenEvent } from './given-history';
export type { ErrorMatcher } from './then-clause';
