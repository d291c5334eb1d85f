import type {
  ConcurrencyError,
  DuplicateEventError,
  EventStoreError,
  EventStoreErrorCode,
  EventValidationError,
  InvalidArgumentError,
  ReadWriteEventStore,
  UpcastError,
} from '@chronicle/core';
import { expect } from 'vitest';
import { captureLog } from './fixtures';

interface KnownErrors {
  CONCURRENCY: ConcurrencyError;
  DUPLICATE_EVENT: DuplicateEventError;
  EVENT_VALIDATION: EventValidationError;
  UPCAST: UpcastError;
  INVALID_ARGUMENT: InvalidArgumentError;
}

/** The error class a code stands for; codes core adds later fall back to the base class. */
type ErrorOf<C extends EventStoreErrorCode> = C extends keyof KnownErrors ? KnownErrors[C] : EventStoreError;

const describeValue = (value: unknown): string => {
  if (value instanceof Error)
    return `${value.name} (code ${String((value as { code?: unknown }).code)}): ${value.message}`;
  try {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    return String(value);
  }
};

/**
 * Runs `action` and asserts it fails with a Chronicle error of `code` (matched on `code`, as the
 * `is*Error` guards do, so two installed copies of core still match). Returns the error.
 */
export async function expectStoreError<C extends EventStoreErrorCode>(
  action: () => Promise<unknown> | unknown,
  code: C,
  what = 'the call',
): Promise<ErrorOf<C>> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await action() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) {
    expect.fail(
      `${what} should fail with a ${code} error, but it succeeded with ${describeValue(outcome.value)}`,
    );
  }
  const { error } = outcome;
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== code) {
    expect.fail(`${what} should fail with a ${code} error, but it failed with ${describeValue(error)}`);
  }
  return error as ErrorOf<C>;
}

/** Asserts `action` fails with `code` and that the store's log is exactly as before. */
export async function expectRejectedAndNothingWritten<C extends EventStoreErrorCode>(
  store: ReadWriteEventStore,
  action: () => Promise<unknown> | unknown,
  code: C,
  what = 'the call',
): Promise<ErrorOf<C>> {
  const before = await captureLog(store);
  const error = await expectStoreError(action, code, what);
  expect(await captureLog(store), `${what} failed, so it must leave no trace in the log`).toEqual(before);
  return error;
}
