import { type EventStoreError, isEventStoreError, StoreUnavailableError } from '../errors';

/** What {@link toEventStoreError} says about the failed call. */
export interface StoreErrorContext {
  /** The adapter, as messages name it: `'SQLite'`, `'PostgreSQL'`. */
  readonly store: string;
  /** What was being done, e.g. `'append to BankAccount/acc-1'`; omitted, the message says `a call`. */
  readonly action?: string;
}

/**
 * An adapter's knowledge of its driver: the typed error for a driver error it recognises (a lock
 * timeout, a lost connection, a full disk, a missing schema…), with the driver's error as `cause` and
 * `retriable` set honestly; `undefined` for anything else. It never throws.
 */
export type DriverErrorClassifier = (
  error: unknown,
  context: StoreErrorContext,
) => EventStoreError | undefined;

/**
 * The one error rule every adapter follows: **every error a store call rejects with is an
 * {@link EventStoreError} carrying a `code`.** Adapters pass every error that escapes a storage call
 * through this function:
 *
 * 1. a Chronicle error (validation, `ConcurrencyError`, `DuplicateEventError`, `UpcastError`, …)
 *    passes through unchanged;
 * 2. otherwise the adapter's `classify` decides (its driver's codes);
 * 3. anything it does not recognise becomes a non-retriable {@link StoreUnavailableError}
 *    `"<store>: <action> failed: <message>"`, with the original as `cause`, so no driver error (and no
 *    bug in the adapter) escapes the hierarchy untyped.
 *
 * Programmer errors are not store calls' business: the kit throws them only where a caller misuses
 * the kit itself (a `TypeError` from a harness' options, say), and they are documented where thrown.
 *
 * @example
 * ```ts
 * try {
 *   return statement.all(...parameters);
 * } catch (error) {
 *   throw toEventStoreError(error, classifySqliteError, { store: 'SQLite', action: 'read all' });
 * }
 * ```
 */
export function toEventStoreError(
  error: unknown,
  classify: DriverErrorClassifier,
  context: StoreErrorContext,
): EventStoreError {
  if (isEventStoreError(error)) return error;
  const classified = classify(error, context);
  if (classified !== undefined) return classified;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`${context.store}: ${context.action ?? 'a call'} failed: ${reason}`, {
    cause: error,
    retriable: false,
  });
}

/**
 * The error every call on a closed store rejects with: `StoreUnavailableError`, not retriable (the
 * same store will not reopen) with `closed: true`, `"The <store> event store is closed"`.
 */
export function storeClosedError(store: string): StoreUnavailableError {
  return new StoreUnavailableError(`The ${store} event store is closed`, { retriable: false, closed: true });
}
