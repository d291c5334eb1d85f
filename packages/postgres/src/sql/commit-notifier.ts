import type { QueryRunner } from './query-runner';

/**
 * The least time between two notifications, in ms. Without it a sequential writer sent one `NOTIFY`
 * per append — a second statement on a second backend for every commit, which made single-event
 * appends 7–14 % slower than without it on two cores. With it, a writer appending faster than this
 * shares one notification among its appends, and a subscriber in another process learns of a commit
 * at most this much later (idle, the first commit is notified at once).
 */
export const NOTIFY_SPACING_MS = 2;

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
 * At most one `NOTIFY` is in flight, and one starts at most every {@link NOTIFY_SPACING_MS}: appends
 * that commit meanwhile share the next one. Under load that is at most one notification per spacing,
 * whatever the append rate, and the last commit is always followed by a notification sent after it.
 * A failed `NOTIFY` is dropped: subscribers also poll (`pollIntervalMs`), so a lost wake-up only
 * delays delivery.
 */
export function createCommitNotifier(db: QueryRunner, channel: string, closed: AbortSignal): CommitNotifier {
  /** A notification is in flight, or waiting for its turn. */
  let busy = false;
  /** An append committed after the pending notification started: it needs one more. */
  let again = false;
  let lastSentAt = Number.NEGATIVE_INFINITY;

  const send = (): void => {
    if (closed.aborted) {
      busy = false;
      return;
    }
    again = false;
    lastSentAt = performance.now();
    db.rows("SELECT pg_notify($1, '')", [channel]).then(settle, settle);
  };
  const settle = (): void => {
    if (again) schedule();
    else busy = false;
  };
  const schedule = (): void => {
    busy = true;
    const wait = lastSentAt + NOTIFY_SPACING_MS - performance.now();
    if (wait > 0) setTimeout(send, wait);
    else send();
  };

  return {
    notify() {
      if (closed.aborted) return;
      if (busy) again = true;
      else schedule();
    },
  };
}
