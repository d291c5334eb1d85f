import type { QueryRunner } from './query-runner';

/** Signals the schema's channel after appends commit (see {@link createCommitNotifier}). */
export interface CommitNotifier {
  /** Called after an append committed: a `NOTIFY` follows, shared with appends committing meanwhile. */
  notify(): void;
}

/**
 * Wakes subscribers in other processes after this store's appends commit, with a payload-free
 * `NOTIFY` in a statement of its own (a transaction that writes nothing: it never holds the
 * notification queue's lock through a WAL flush, as a `NOTIFY` inside the append's transaction did).
 *
 * At most one `NOTIFY` is in flight; appends that commit while it is under way share the next one.
 * Under load that is one notification per round trip, whatever the append rate, and the last commit
 * is always followed by a notification sent after it. A failed `NOTIFY` is dropped: subscribers
 * also poll (`pollIntervalMs`), so a lost wake-up only delays delivery.
 */
export function createCommitNotifier(db: QueryRunner, channel: string, closed: AbortSignal): CommitNotifier {
  let inFlight = false;
  let again = false;

  const send = (): void => {
    inFlight = true;
    again = false;
    db.rows("SELECT pg_notify($1, '')", [channel]).then(
      () => settle(),
      () => settle(),
    );
  };
  const settle = (): void => {
    inFlight = false;
    if (again && !closed.aborted) send();
  };

  return {
    notify() {
      if (closed.aborted) return;
      if (inFlight) again = true;
      else send();
    },
  };
}
