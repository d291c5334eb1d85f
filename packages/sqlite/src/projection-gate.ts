import { StoreUnavailableError } from '@chronicle/core';

/**
 * What a projection transaction writes: `'documents'` (an async projection's batch, a rebuild's
 * switch: documents, checkpoints, versions), or `'events'` too (an append with inline projections).
 */
export type HoldKind = 'documents' | 'events';

/**
 * Turns on the store's one connection while a projection transaction is open.
 *
 * better-sqlite3 has one transaction per connection, and a projection transaction stays open across
 * the `await`s of its handlers. Meanwhile every other call of the store on this connection would run
 * inside it: a read would see rows that may still roll back (a subscriber could deliver an event that
 * never commits), and an append's `BEGIN` would fail. So a transaction holds the gate and the other
 * calls wait for their turn. The transaction's own storage calls (its handlers' documents, its
 * checkpoint, `raw`) do not go through the gate: the transaction hands them to its handlers.
 *
 * Reads of the log (events, snapshots) wait only for a transaction that writes events. One that
 * writes documents only leaves the log as committed and holds SQLite's write lock, so nothing else
 * commits meanwhile: a read sees exactly the committed log, inside that transaction or not. A
 * rebuild's switch reads the log's last events that way, from inside its transaction.
 *
 * The gate tells calls apart by what they do, not by who makes them: it keeps no asynchronous context
 * (an `AsyncLocalStorage` would make every promise of the application pay for promise hooks). So a
 * handler that calls the store itself, instead of its context, for anything but that log read waits
 * for its own transaction: every wait ends after the busy timeout with a retriable
 * `StoreUnavailableError`, as a wait for another process' write lock does.
 */
export interface ConnectionGate {
  /**
   * Runs `operation` (synchronous storage work) once no transaction holds the connection: at once,
   * with no `await`, when none does; otherwise after the holder ends, in the same step as the check.
   *
   * @throws StoreUnavailableError (retriable) when the connection stays held beyond the busy timeout
   */
  run<T>(operation: () => T): T | Promise<T>;
  /** {@link run} for a read of the log: waits only while a transaction that writes events holds it. */
  runLogRead<T>(operation: () => T): T | Promise<T>;
  /**
   * Runs `work` holding the connection: the other callers wait until it settles.
   *
   * @throws StoreUnavailableError (retriable) when another transaction holds it beyond the busy timeout
   */
  hold<T>(kind: HoldKind, work: () => Promise<T>): Promise<T>;
}

/**
 * @param timeoutMs - the longest wait for a turn (the store's busy timeout)
 * @param filename - the database, for the message of a wait that timed out
 */
export function createConnectionGate(timeoutMs: number, filename: string): ConnectionGate {
  let held: { kind: HoldKind; released: Promise<void> } | undefined;
  const anyHold = () => held !== undefined;
  const eventsHold = () => held?.kind === 'events';

  /** Waits for the holder to end; throws once `deadline` (epoch ms) has passed. */
  async function released(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now()));
    });
    try {
      if (await Promise.race([held!.released, timedOut])) {
        throw new StoreUnavailableError(
          `SQLite database ${filename} is held by a projection transaction of this store beyond the busy timeout of ${timeoutMs} ms; nothing was written, retry later (a projection handler that calls the store instead of its context waits for its own transaction)`,
          { retriable: true },
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }
  /** Runs `operation` once `blocked()` is false, checked after every release in the same step. */
  async function after<T>(blocked: () => boolean, operation: () => T): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (blocked()) await released(deadline);
    return operation();
  }

  return {
    run: (operation) => (anyHold() ? after(anyHold, operation) : operation()),
    runLogRead: (operation) => (eventsHold() ? after(eventsHold, operation) : operation()),
    async hold(kind, work) {
      const deadline = Date.now() + timeoutMs;
      // Checked and taken in the same step, so two waiters never both get it.
      while (anyHold()) await released(deadline);
      let release!: () => void;
      held = { kind, released: new Promise((resolve) => (release = resolve)) };
      try {
        return await work();
      } finally {
        held = undefined;
        release();
      }
    },
  };
}
