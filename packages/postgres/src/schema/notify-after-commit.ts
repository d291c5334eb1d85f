import { appendEventsInOwnBlocks } from './exclusive-position-blocks';
import type { Migration } from './migrations';

/**
 * Version 5: `append_events` no longer sends `NOTIFY` itself; the store notifies after the commit
 * (`sql/commit-notifier.ts`).
 *
 * Why: PostgreSQL queues notifications in commit order, so a transaction that has sent `NOTIFY`
 * takes one cluster-wide lock at commit and holds it through its commit's WAL flush. Every append
 * then committed one after the other, and group commit was lost: with 8 concurrent writers appends
 * ran at 0.17–0.40x of the same function without the `NOTIFY` (fsync on; `docs/performance.md`).
 * A notification sent after the commit, in a statement of its own that writes nothing, holds that
 * lock only for an instant and never through a flush.
 */
export const notifyAfterCommit: Migration = {
  version: 5,
  name: 'append function: no NOTIFY inside the append (the store notifies after the commit)',
  sql: (s) => appendEventsInOwnBlocks(s, ''),
};
