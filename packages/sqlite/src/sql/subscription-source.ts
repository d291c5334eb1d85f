import type { DomainEvent } from '@chronicle/core';
import {
  createWakeUpEmitter,
  type EventPipeline,
  mergeWakeUps,
  pollForChanges,
  type SubscriptionPage,
  type SubscriptionPageRequest,
  type SubscriptionSource,
} from '@chronicle/core/adapter';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-driver';
import { toDomainEvent } from './rows';
import type { EventRow, Statements } from './statements';

/** What {@link createSqliteSubscriptionSource} needs from the store. */
export interface SqliteSubscriptionDeps {
  readonly database: SqliteDatabase;
  readonly statements: Statements;
  readonly pipeline: EventPipeline;
  /** The store's guard: refuses after `close()` and types driver errors. */
  readonly run: <T>(operation: () => T) => T;
  /** Aborted when the store closes. */
  readonly closed: AbortSignal;
  /** How often to ask `PRAGMA data_version` whether another connection committed, in ms. */
  readonly pollIntervalMs: number;
}

/**
 * SQLite's part of a subscription (the loop itself is the kit's `subscribeToSource`):
 *
 * - **pages**: the head and the page are read in one read transaction, so they see the same snapshot;
 *   SQLite assigns positions under its single write lock, so nothing can still commit below the head
 *   and `through` may be the head when the page is not full;
 * - **wake-ups**: appends on this connection wake subscribers at once (`appended.wake()`); other
 *   connections' and processes' commits are noticed by polling `PRAGMA data_version`, which changes
 *   exactly when another connection committed to the file.
 */
export function createSqliteSubscriptionSource(deps: SqliteSubscriptionDeps) {
  const { database, statements, pipeline, run, closed, pollIntervalMs } = deps;
  const appended = createWakeUpEmitter();
  const headStatement = database
    .prepare('SELECT coalesce(max(position), 0) FROM events')
    .safeIntegers(true)
    .raw(true);
  const readHead = (): bigint => (headStatement.get() as [bigint])[0];
  let dataVersion: unknown;
  const otherCommits = pollForChanges(() => {
    try {
      const version = database.pragma('data_version', { simple: true });
      const changed = version !== dataVersion;
      dataVersion = version;
      return changed;
    } catch {
      return true;
    }
  }, pollIntervalMs);

  const pageStatement = ({ aggregateTypes, storedEventTypes }: SubscriptionPageRequest): SqliteStatement =>
    aggregateTypes === undefined
      ? storedEventTypes === undefined
        ? statements.readAllPage
        : statements.readAllPageByEventTypes
      : storedEventTypes === undefined
        ? statements.readAllPageByAggregateTypes
        : statements.readAllPageByBoth;

  const source = {
    store: 'SQLite',
    pipeline,
    closed,
    wakeUps: mergeWakeUps(appended, otherCommits),
    readHead: (): bigint => run(readHead),
    readPage(request: SubscriptionPageRequest): SubscriptionPage {
      const params: Record<string, unknown> = { after: request.after, limit: request.limit };
      if (request.aggregateTypes !== undefined)
        params.aggregateTypes = JSON.stringify(request.aggregateTypes);
      if (request.storedEventTypes !== undefined)
        params.eventTypes = JSON.stringify(request.storedEventTypes);
      return run(() => {
        // One read transaction: the head and the page come from the same snapshot of the file.
        const ownTransaction = !database.inTransaction;
        if (ownTransaction) database.exec('BEGIN');
        try {
          const headNow = readHead();
          const rows = pageStatement(request).all(params) as EventRow[];
          const events: DomainEvent[] = rows.map(toDomainEvent);
          const through = events.length === request.limit ? events[events.length - 1]!.position : headNow;
          return { events, through, head: headNow };
        } finally {
          if (ownTransaction && database.inTransaction) database.exec('COMMIT');
        }
      });
    },
  } satisfies SubscriptionSource;
  return { source, appended };
}
