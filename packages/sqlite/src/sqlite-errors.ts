import { StoreUnavailableError } from '@chronicle/core';
import type { DriverErrorClassifier } from '@chronicle/core/adapter';

/** The extended result code better-sqlite3 puts on its `SqliteError` (`'SQLITE_BUSY'`, …). */
export function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Which column a uniqueness error names: `'events.event_id'`, or a text containing `'events.version'`
 * for a taken stream version. Covers SQLite's own `UNIQUE constraint failed: …` and the events table's
 * no-replace triggers, which refuse the same collisions first.
 */
export function uniqueViolationTarget(error: unknown): string | undefined {
  const code = sqliteCode(error);
  const message = (error as Error).message;
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') {
    if (message.includes('(events.event_id ')) return 'events.event_id';
    if (message.includes('(events.version ')) return 'events.version';
    return undefined;
  }
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
  const marker = 'constraint failed: ';
  const at = message.indexOf(marker);
  return at < 0 ? '' : message.slice(at + marker.length);
}

// Transient conditions: the same call may well succeed a moment later.
const RETRIABLE = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_PROTOCOL', 'SQLITE_IOERR', 'SQLITE_FULL'];
// The file cannot serve the store at all until someone intervenes.
const PERMANENT = ['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PERM'];

const matches = (code: string, prefixes: readonly string[]): boolean =>
  prefixes.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));

/** What a SQLite error message names besides the driver's text. */
export interface SqliteErrorContext {
  readonly filename: string;
  readonly busyTimeoutMs: number;
}

/**
 * The SQLite adapter's driver classifier for the kit's one error rule (`toEventStoreError`): a lock
 * held beyond the busy timeout, an I/O failure, a full disk, a read-only or corrupt file, a closed
 * connection become `StoreUnavailableError` (retriable when a retry may succeed); anything else is
 * left to the rule, which reports it as a non-retriable `StoreUnavailableError` with the driver's
 * error as `cause`.
 */
export function sqliteErrorClassifier(context: SqliteErrorContext): DriverErrorClassifier {
  return (error) => {
    const code = sqliteCode(error);
    if (code === undefined) {
      if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
        return new StoreUnavailableError('The SQLite connection is closed', {
          cause: error,
          retriable: false,
        });
      }
      return undefined;
    }
    const reason = (error as Error).message;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new StoreUnavailableError(
        `SQLite database ${context.filename} is locked by another connection beyond the busy timeout of ${context.busyTimeoutMs} ms (${code}: ${reason}); nothing was written, retry later`,
        { cause: error, retriable: true },
      );
    }
    if (matches(code, RETRIABLE)) {
      return new StoreUnavailableError(`SQLite database ${context.filename} failed (${code}: ${reason})`, {
        cause: error,
        retriable: true,
      });
    }
    if (matches(code, PERMANENT)) {
      return new StoreUnavailableError(
        `SQLite database ${context.filename} cannot be used (${code}: ${reason})`,
        { cause: error, retriable: false },
      );
    }
    return undefined;
  };
}
