import { StoreUnavailableError } from '@chronicle/core';
import type { DriverErrorClassifier } from '@chronicle/core/adapter';

/** The fields of a node-postgres `DatabaseError` the adapter looks at. */
interface DatabaseErrorLike {
  readonly code: string;
  readonly severity?: string;
  readonly constraint?: string;
  readonly message: string;
}

/** True for an error PostgreSQL itself reported (it carries a SQLSTATE `code`). */
export function isDatabaseError(error: unknown): error is DatabaseErrorLike {
  if (!(error instanceof Error) || !('severity' in error)) return false;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** True when PostgreSQL rejected a row because a unique constraint named `constraint` already holds it. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return (
    isDatabaseError(error) &&
    error.code === '23505' &&
    (constraint === undefined || error.constraint === constraint)
  );
}

/**
 * True when a named prepared statement met a server connection that already has one of that name
 * (42P05) or lacks it (26000): what a transaction-mode pooler does to named statements. Both are
 * raised at Parse/Bind, before the statement runs.
 */
export function isPreparedStatementMismatch(error: unknown): boolean {
  return isDatabaseError(error) && (error.code === '42P05' || error.code === '26000');
}

// SQLSTATEs after which the same call may well succeed: the connection or server went away, the
// statement was cancelled (statement_timeout), a lock or resource ran out.
const RETRIABLE_STATES = new Set(['57014', '57P01', '57P02', '57P03', '55P03', '40001', '40P01']);
const RETRIABLE_CLASSES = ['08', '53'];
// SQLSTATEs that mean the store's schema is missing or incomplete.
const NOT_MIGRATED_STATES = new Set(['42P01', '3F000', '42883']);
// Node-level failures (no SQLSTATE) that mean the connection is gone or could not be had.
const CONNECTION_FAILURE =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end/i;

/** True for a node-level failure (no SQLSTATE) that means the connection is gone or could not be had. */
function isConnectionFailure(error: Error): boolean {
  return CONNECTION_FAILURE.test(`${(error as { code?: unknown }).code ?? ''} ${error.message}`);
}

/**
 * The PostgreSQL adapter's driver classifier for the kit's one error rule (`toEventStoreError`):
 * connection loss, statement timeouts, exhausted pools and lock or resource shortages become a
 * retriable {@link StoreUnavailableError}; a missing schema a non-retriable one that says to migrate;
 * any other SQLSTATE a non-retriable one naming it. What it does not recognise (no SQLSTATE, no known
 * connection failure) it leaves to the rule, which reports it as a non-retriable
 * `StoreUnavailableError` with the original as `cause`.
 *
 * @param schema - the store's schema, for the "not migrated" hint
 */
export function postgresErrorClassifier(schema: string): DriverErrorClassifier {
  return (error, { store, action = 'a call' }) => {
    const failed = `${store}: ${action} failed`;
    if (isDatabaseError(error)) {
      const { code } = error;
      if (RETRIABLE_STATES.has(code) || RETRIABLE_CLASSES.some((c) => code.startsWith(c))) {
        const reason =
          code === '57014'
            ? 'the statement was cancelled (statement_timeout or a cancel request); nothing was written'
            : `the database gave up (${code}: ${error.message})`;
        return new StoreUnavailableError(`${failed}: ${reason}`, { cause: error, retriable: true });
      }
      // Since schema version 2 every append writes positions in a block of its own, so a taken
      // position cannot happen; on a schema not yet migrated it still can, and a new transaction
      // (the retry) draws a new block.
      if (isUniqueViolation(error, 'events_pkey')) {
        return new StoreUnavailableError(
          `${failed}: a position was already taken (${error.message}); nothing was written. Retrying ` +
            `is safe; run store.migrate() if schema "${schema}" is below version 2`,
          { cause: error, retriable: true },
        );
      }
      if (NOT_MIGRATED_STATES.has(code)) {
        return new StoreUnavailableError(
          `${failed}: schema "${schema}" is missing or not migrated (${error.message}); ` +
            'run store.migrate() or chronicle-pg-migrate',
          { cause: error, retriable: false },
        );
      }
      return new StoreUnavailableError(`${failed}: ${code}: ${error.message}`, {
        cause: error,
        retriable: false,
      });
    }
    if (!(error instanceof Error)) return undefined;
    if (/timeout exceeded when trying to connect/i.test(error.message)) {
      return new StoreUnavailableError(
        `${failed}: no pooled connection became free within connectionTimeoutMillis ` +
          '(the pool is exhausted, or the server does not answer); nothing was sent',
        { cause: error, retriable: true },
      );
    }
    if (isConnectionFailure(error)) {
      return new StoreUnavailableError(
        `${failed}: the connection was lost or could not be obtained (${error.message}). ` +
          'Appends are atomic: retrying with the same event ids is safe.',
        { cause: error, retriable: true },
      );
    }
    return undefined;
  };
}

// SQLSTATEs of a standby that cannot serve a read now: connection gone or refused, a query
// cancelled by a conflict with recovery (40001), the schema not replayed there yet.
const REPLICA_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '40001', '42P01', '3F000', '42883']);

/**
 * True when a read on a standby failed because that standby cannot serve it now (down, restarting,
 * a conflict with recovery, the schema not replayed yet): the read may go to another server.
 */
export function isReplicaUnavailable(error: unknown): boolean {
  if (isDatabaseError(error))
    return error.code.startsWith('08') || REPLICA_UNAVAILABLE_STATES.has(error.code);
  return error instanceof Error && isConnectionFailure(error);
}
