/**
 * The `then` of every specification: an outcome (what the code under test produced, or the error it
 * threw) checked against what was expected, failing with a plain `AssertionError` (node:assert's,
 * which vitest, node:test, Jest and Mocha all report with its message and an expected/actual diff).
 *
 * This is the extension point for projections: a projection specification will run its handlers
 * over the given events and check an `Outcome` of documents here, rendered by its own function.
 */
import { AssertionError } from 'node:assert';
import { InvalidArgumentError } from '../errors';
import {
  type ComparedEvent,
  canonicalJson,
  compared,
  describeError,
  lineDiff,
  renderEvents,
} from './event-diff';

/** Any error class, whatever its constructor takes. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** What the code under test did: produced a value, or threw. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** Runs `action`, catching what it throws. */
export function outcomeOf<T>(action: () => T): Outcome<T> {
  try {
    return { ok: true, value: action() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * What `thenThrows` accepts: an error class (`OrderError`), a predicate (`(e) => e.code === 'X'`), or
 * an object of fields the error must have (`{ code: 'NOT_DRAFT' }`, `{ message: /draft/ }`).
 */
export type ErrorMatcher = ErrorClass | ((error: unknown) => boolean) | { readonly [field: string]: unknown };

function fail(message: string, expected: unknown, actual: unknown, cause?: unknown): never {
  const error = new AssertionError({ message, expected, actual, operator: 'then' });
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, configurable: true });
  throw error;
}

/**
 * Checks that the outcome is these events (type and data, in order).
 *
 * @returns the outcome's value
 * @throws AssertionError with a diff when the events differ or the code threw
 */
export function expectEvents<T>(
  outcome: Outcome<T>,
  eventsOf: (value: T) => readonly ComparedEvent[],
  expected: readonly ComparedEvent[],
): T {
  const want = compared(expected);
  if (!outcome.ok) {
    fail(
      `then: expected these events:\n${indent(renderEvents(want))}\nbut it threw ${describeError(outcome.error)}`,
      want,
      outcome.error,
      outcome.error,
    );
  }
  const got = compared(eventsOf(outcome.value));
  if (canonicalJson(got) !== canonicalJson(want)) {
    const diff = lineDiff(renderEvents(want), renderEvents(got));
    fail(`then: the events differ (- expected, + actual):\n${indent(diff, '  ')}`, want, got);
  }
  return outcome.value;
}

/**
 * Checks that the outcome is an error matching `matcher`; an `Error` instance matches an error of
 * the same name, message and (when it has one) `code`.
 *
 * @returns the error, for further checks
 * @throws AssertionError when the code succeeded or threw something else
 */
export function expectError<T>(
  outcome: Outcome<T>,
  eventsOf: (value: T) => readonly ComparedEvent[],
  matcher: ErrorMatcher | Error,
): unknown {
  const wanted = describeMatcher(matcher);
  if (outcome.ok) {
    const got = compared(eventsOf(outcome.value));
    fail(`then: expected ${wanted}, but it succeeded with:\n${indent(renderEvents(got))}`, wanted, got);
  }
  if (!matches(outcome.error, matcher)) {
    fail(
      `then: expected ${wanted}, but it threw ${describeError(outcome.error)}`,
      wanted,
      describeError(outcome.error),
      outcome.error,
    );
  }
  return outcome.error;
}

/**
 * `then(expected)`: events when given an array, an error when given an `Error`.
 *
 * @throws InvalidArgumentError for anything else (a class or predicate belongs in `thenThrows`)
 */
export function expectThen<T>(
  outcome: Outcome<T>,
  eventsOf: (value: T) => readonly ComparedEvent[],
  expected: readonly ComparedEvent[] | Error,
): T | unknown {
  if (expected instanceof Error) return expectError(outcome, eventsOf, expected);
  if (typeof expected === 'function' && !isErrorClass(expected)) {
    // `await spec.given(…).when(…)` calls then(resolve, reject): say so instead of hanging or passing.
    throw new InvalidArgumentError(
      'then(expected)',
      'got a function: a specification is not a promise, do not await it',
    );
  }
  if (!Array.isArray(expected)) {
    throw new InvalidArgumentError(
      'then(expected)',
      'must be an array of events or an Error instance; pass a class, predicate or fields to thenThrows()',
    );
  }
  return expectEvents(outcome, eventsOf, expected);
}

function matches(error: unknown, matcher: ErrorMatcher | Error): boolean {
  if (matcher instanceof Error) {
    const code = (matcher as { code?: unknown }).code;
    return (
      error instanceof Error &&
      error.name === matcher.name &&
      error.message === matcher.message &&
      (code === undefined || (error as { code?: unknown }).code === code)
    );
  }
  if (isErrorClass(matcher)) return error instanceof matcher;
  if (typeof matcher === 'function') return matcher(error) === true;
  if (typeof error !== 'object' || error === null) return false;
  return Object.entries(matcher).every(([field, want]) => {
    const got = (error as Record<string, unknown>)[field];
    if (want instanceof RegExp) return typeof got === 'string' && want.test(got);
    return canonicalJson(got) === canonicalJson(want);
  });
}

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

function describeMatcher(matcher: ErrorMatcher | Error): string {
  if (matcher instanceof Error) return `the error ${describeError(matcher)}`;
  if (isErrorClass(matcher)) return `an error of class ${matcher.name}`;
  if (typeof matcher === 'function') return 'an error the predicate accepts';
  const fields = Object.entries(matcher).map(
    ([field, want]) => `${field}: ${want instanceof RegExp ? String(want) : canonicalJson(want)}`,
  );
  return `an error with { ${fields.join(', ')} }`;
}

const indent = (lines: readonly string[], by = '    '): string =>
  lines.map((line) => `${by}${line}`).join('\n');
