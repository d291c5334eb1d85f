import { quoteIdentifier } from '../schema/schema-name';
import type { QueryRunner } from './query-runner';

/**
 * The least time between two notifications, in ms. A writer appending faster than this shares one
 * notification among its appends, and a subscriber in another process learns of a commit at most
 * this much later (idle, the first commit is notified at once).
 */
export const NOTIFY_SPACING_MS = 2;

/** How long the answer to "does any session listen on the channel?" is trusted, in ms. */
export const LISTENERS_CHECK_INTERVAL_MS = 1_000;

/**
 * True when a session of this database LISTENs on the channel, or may: a LISTEN connection runs
 * nothing but its `LISTEN` statement, so `pg_stat_activity` shows that text as its last query. A
 * session of another role whose query this one may not see (`<insufficient privilege>`), and a server
 * that does not track activities, count as listening.
 */
const LISTENERS = `SELECT current_setting('track_activities') = 'off' OR EXISTS (
  SELECT 1 FROM pg_stat_activity
  WHERE datname = current_database() AND (query = $1 OR query = '<insufficient privilege>')
) AS listening`;

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
 * A `NOTIFY` per append was a second statement on a second backend for every commit — about a
 * quarter of a single-event append's CPU, client and server together. So:
 * - it is sent only while some session listens on the channel, which the notifier looks up at most
 *   every {@link LISTENERS_CHECK_INTERVAL_MS} (a subscriber that starts listening later is woken by
 *   its poll until then, `pollIntervalMs`);
 * - at most one is in flight, and one starts at most every {@link NOTIFY_SPACING_MS}: appends that
 *   commit meanwhile share the next one. The last commit is always followed by a notification sent
 *   after it.
 * A failed `NOTIFY` or look-up is dropped (a look-up that fails counts as "someone listens"):
 * subscribers also poll, so a lost wake-up only delays delivery.
 */
export function createCommitNotifier(db: QueryRunner, channel: string, closed: AbortSignal): CommitNotifier {
  const listenStatement = `LISTEN ${quoteIdentifier(channel)}`;
  let listening = false;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<void> | undefined;

  /** A notification is in flight, or waiting for its turn. */
  let busy = false;
  /** An append committed after the pending notification started: it needs one more. */
  let again = false;
  let lastSentAt = Number.NEGATIVE_INFINITY;

  const checkListeners = (): Promise<void> => {
    checking ??= db.rows<{ listening: string }>(LISTENERS, [listenStatement]).then(
      ([row]) => {
        listening = row?.listening !== 'f';
        checkedAt = performance.now();
        checking = undefined;
      },
      () => {
        listening = true;
        checkedAt = performance.now();
        checking = undefined;
      },
    );
    return checking;
  };

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
  const signal = (): void => {
    if (closed.aborted || !listening) return;
    if (busy) again = true;
    else schedule();
  };

  return {
    notify() {
      if (closed.aborted) return;
      if (performance.now() - checkedAt > LISTENERS_CHECK_INTERVAL_MS) void checkListeners().then(signal);
      else signal();
    },
  };
}
