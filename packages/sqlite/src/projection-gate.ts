import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Turns on the store's one connection while a projection transaction is open.
 *
 * better-sqlite3 has one transaction per connection, and a projection transaction stays open across
 * the `await`s of its handlers. Meanwhile every other call of the store on this connection would run
 * inside it: a read would see rows that may still roll back (a subscriber could deliver an event that
 * never commits), and an append's `BEGIN` would fail. So a transaction holds the gate, and every
 * other call waits for its turn; calls made from inside the transaction (its handlers) go straight
 * through. Without an open transaction a turn costs no `await`.
 */
export interface ConnectionGate {
  /** Resolves when the connection is free for the caller (at once when it is, or the caller holds it). */
  turn(): Promise<void> | undefined;
  /** Runs `work` holding the connection: other callers wait until it settles. */
  hold<T>(work: () => Promise<T>): Promise<T>;
}

export function createConnectionGate(): ConnectionGate {
  const holders = new AsyncLocalStorage<symbol>();
  let held: { token: symbol; released: Promise<void> } | undefined;
  const blocked = () => held !== undefined && holders.getStore() !== held.token;

  async function wait(): Promise<void> {
    while (blocked()) await held!.released;
  }

  return {
    turn: () => (blocked() ? wait() : undefined),
    async hold(work) {
      // Checked and taken in the same synchronous step, so two waiters never both get it.
      while (blocked()) await held!.released;
      if (held !== undefined) return work(); // already inside this very transaction
      let release!: () => void;
      const token = Symbol('projection transaction');
      held = { token, released: new Promise((resolve) => (release = resolve)) };
      try {
        return await holders.run(token, work);
      } finally {
        held = undefined;
        release();
      }
    },
  };
}
