import type { HorizonHolder } from '@chronicle/core';
import type { EventPipeline, SubscriptionSource, WakeUpSource } from '@chronicle/core/adapter';
import type { QueryRunner } from './query-runner';
import type { LogReader } from './read-all';

/** What {@link createPostgresSubscriptionSource} needs from the store. */
export interface PostgresSubscriptionDeps {
  /** The quoted schema. */
  readonly s: string;
  readonly db: QueryRunner;
  /** A log reader that decodes but does **not** upcast (the kit's loop upcasts once). */
  readonly log: LogReader;
  readonly pipeline: EventPipeline;
  /** The store's own appends and the LISTEN connection, merged. */
  readonly wakeUps: WakeUpSource;
  /** The fallback poll, in ms. */
  readonly pollIntervalMs: number;
  /** Aborted when the store closes. */
  readonly closed: AbortSignal;
  /** The store's error rule, with the action's name. */
  readonly guard: <T>(action: string, call: () => Promise<T>) => Promise<T>;
}

/** `pg_stat_activity`'s view of the backend holding the read horizon. */
interface HolderRow {
  readonly pid: string;
  readonly applicationName: string;
  readonly state: string | null;
  /** Epoch milliseconds. */
  readonly transactionStart: string;
  readonly query: string | null;
}

/**
 * The backend whose open transaction holds the read horizon: of the transactions that have written
 * (hold a transaction id), the oldest. Its id is the snapshot's xmin, so every position at or above
 * it waits until that transaction ends. Only other backends count (a reader never waits on itself).
 */
export const HORIZON_HOLDER_SQL =
  'SELECT pid, coalesce(application_name, \'\') AS "applicationName", state, ' +
  '(extract(epoch FROM xact_start) * 1000)::int8 AS "transactionStart", left(query, 200) AS query ' +
  'FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() ' +
  'ORDER BY age(backend_xid) DESC LIMIT 1';

/** Reads the backend holding the read horizon, or `undefined` when no transaction holds one. */
export async function readHorizonHolder(db: QueryRunner): Promise<HorizonHolder | undefined> {
  const [row] = await db.rows<HolderRow>(HORIZON_HOLDER_SQL, []);
  return (
    row && {
      pid: Number(row.pid),
      applicationName: row.applicationName,
      state: row.state ?? 'unknown',
      transactionStartedAt: new Date(Number(row.transactionStart)),
      query: row.query ?? '',
    }
  );
}

/** The highest of some positions (`Math.max` takes no bigints). */
function highest(...positions: bigint[]): bigint {
  let top = 0n;
  for (const position of positions) if (position > top) top = position;
  return top;
}

/**
 * PostgreSQL's part of a subscription (the loop itself is the kit's `subscribeToSource`):
 *
 * - **pages** come from the same page statement as `readAll`, bounded by the read horizon, so a late
 *   commit of a lower position is waited for, never skipped (C1). A page that is not full has
 *   examined the log up to the last position below the horizon (`settled`), whatever the filter, so
 *   `through` reaches the head past filtered-out events (C2) without running ahead into positions
 *   nobody wrote;
 * - when a matching event is visible above the horizon (an older transaction is still open), the
 *   page names that transaction's backend (`stalledBy`, C11);
 * - **wake-ups**: the store's own appends at once, other connections' commits by NOTIFY, and the
 *   loop's fallback poll every `pollIntervalMs` (a pooler in transaction mode drops LISTEN).
 */
export function createPostgresSubscriptionSource(deps: PostgresSubscriptionDeps): SubscriptionSource {
  const { s, db, log, pipeline, wakeUps, pollIntervalMs, closed, guard } = deps;
  const headSql = `SELECT coalesce(max(position), 0) AS head FROM ${s}.events`;
  const storedTypesOnly = (storedTypes: readonly string[]) => ({ storedTypes, matches: () => true });

  return {
    store: 'PostgreSQL',
    pipeline,
    wakeUps,
    closed,
    pollIntervalMs,
    readHead: () =>
      guard('read the head', async () => {
        const [row] = await db.rows<{ head: string }>(headSql, []);
        return BigInt(row!.head);
      }),
    readPage: ({ after, limit, aggregateTypes, storedEventTypes }) =>
      guard('subscribe', async () => {
        const page = await log.page({
          after,
          limit,
          aggregateTypes,
          eventTypes: storedEventTypes && storedTypesOnly(storedEventTypes),
        });
        const through = page.full ? page.through : highest(page.settled, after);
        const head = highest(page.head, page.settled, through);
        // Waiting on a transaction elsewhere: a matching event is visible above the horizon.
        const stalledBy = !page.full && page.head > through ? await readHorizonHolder(db) : undefined;
        return { events: page.events, through, head, ...(stalledBy !== undefined && { stalledBy }) };
      }),
  };
}
