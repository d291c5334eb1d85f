import type { ReadWriteEventStore } from '@chronicle/core';

/**
 * Why a test that hangs says what it waited for. Without this, a store whose pool ran dry shows only
 * vitest's "Test timed out in 60000ms"; with it, the test fails a second before that with the phase it
 * was in and the store calls that never settled.
 */
export interface Watchdog {
  /** Records what the harness is doing now, e.g. `'creating the store (createStore)'`. */
  phase(what: string): void;
  /** The same store, with every call counted while it is pending. */
  watch(store: ReadWriteEventStore): ReadWriteEventStore;
  /** The store `watch` wrapped, for the adapter's own callbacks (`dispose`, `reopen`, …). */
  unwrap(store: ReadWriteEventStore): ReadWriteEventStore;
  /**
   * Settles like `work`, or rejects with a description of what was pending once `ms` have passed.
   * Whatever `work` does after that is ignored.
   */
  within<T>(ms: number, work: Promise<T>): Promise<T>;
}

/** The most store calls the suite makes at once (the concurrent snapshot saves). */
const MOST_CONCURRENT_CALLS = 16;

/** Creates the watchdog of one test, named by its `<suite>/<name>` key. */
export function createWatchdog(key: string): Watchdog {
  let current = 'starting';
  const pending = new Map<number, { readonly call: string; readonly since: number }>();
  const originals = new WeakMap<ReadWriteEventStore, ReadWriteEventStore>();
  let nextId = 0;

  const track = <T>(call: string, result: Promise<T>): Promise<T> => {
    const id = nextId++;
    pending.set(id, { call, since: Date.now() });
    const settled = () => pending.delete(id);
    result.then(settled, settled);
    return result;
  };

  /** Like an async generator: iterable once, and an iterator itself; each `next()` is tracked. */
  const watchIterable = (call: string, iterable: AsyncIterable<unknown>): AsyncIterableIterator<unknown> => {
    let inner: AsyncIterator<unknown> | undefined;
    const iterator = () => {
      inner ??= iterable[Symbol.asyncIterator]();
      return inner;
    };
    return {
      next: (...args: [] | [unknown]) => track(`${call} (next page)`, iterator().next(...args)),
      return: (value?: unknown) =>
        iterator().return?.(value) ?? Promise.resolve({ done: true as const, value }),
      throw: (error?: unknown) => iterator().throw?.(error) ?? Promise.reject(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };

  const describePending = (): string => {
    if (pending.size === 0) {
      return 'No store call was pending: the test was waiting on something else (its own loop, or a callback of the adapter).';
    }
    const byCall = new Map<string, { count: number; oldest: number }>();
    for (const { call, since } of pending.values()) {
      const entry = byCall.get(call) ?? { count: 0, oldest: since };
      byCall.set(call, { count: entry.count + 1, oldest: Math.min(entry.oldest, since) });
    }
    const calls = [...byCall]
      .map(
        ([call, { count, oldest }]) => `${call} ×${count} (the oldest for ${seconds(Date.now() - oldest)})`,
      )
      .join(', ');
    return (
      `${pending.size} store call${pending.size === 1 ? ' had' : 's had'} not settled: ${calls}. A call that never ` +
      'settles usually waits for a connection or a lock: check that every path returns its connection to the ' +
      'pool — after an error too, and after rolling back — and that the pool has room for the suite’s ' +
      `concurrent calls (up to ${MOST_CONCURRENT_CALLS} at once).`
    );
  };

  return {
    phase(what) {
      current = what;
    },
    watch(store) {
      const watched = new Proxy(store, {
        get(target, property) {
          // The store itself as receiver: getters that read private fields work as without the proxy.
          const value: unknown = Reflect.get(target, property, target);
          if (typeof value !== 'function') return value;
          const call = String(property);
          return (...args: unknown[]) => {
            const result: unknown = value.apply(target, args);
            if (result instanceof Promise) return track(call, result);
            if (typeof result === 'object' && result !== null && Symbol.asyncIterator in result) {
              return watchIterable(call, result as AsyncIterable<unknown>);
            }
            return result;
          };
        },
      });
      originals.set(watched, store);
      return watched;
    },
    unwrap(store) {
      return originals.get(store) ?? store;
    },
    within(ms, work) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          work.catch(() => {});
          reject(
            new Error(`${key} did not finish within ${seconds(ms)} while ${current}. ${describePending()}`),
          );
        }, ms);
        timer.unref?.();
      });
      return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
    },
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
