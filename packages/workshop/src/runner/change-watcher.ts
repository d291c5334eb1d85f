import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

/** How long to wait for a burst of file events (an editor's save) to settle before reporting it. */
const SETTLE_MS = 150;

/**
 * Watches a few folders and reports the next change, debounced. Folders rather than files: editors
 * that save by writing a new file and renaming it over the old one would break a per-file watch.
 * A change made while nobody waits (say, while tests run) is kept and reported by the next `next()`.
 */
export class ChangeWatcher {
  readonly #watchers: FSWatcher[];
  #pending: string | undefined;
  #waiter: ((file: string | undefined) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(dirs: readonly string[]) {
    this.#watchers = [...new Set(dirs)].map((dir) =>
      watch(dir, (_event, filename) => this.#changed(filename ? join(dir, filename.toString()) : dir)),
    );
  }

  #changed(file: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      if (waiter) waiter(file);
      else this.#pending = file;
    }, SETTLE_MS);
  }

  /** Forgets changes seen so far (the run about to start covers them). */
  clear(): void {
    this.#pending = undefined;
  }

  /** The next changed path, or `undefined` when `signal` aborts first. */
  next(signal: AbortSignal): Promise<string | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = undefined;
      return Promise.resolve(pending);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiter = undefined;
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = (file) => {
        signal.removeEventListener('abort', onAbort);
        resolve(file);
      };
    });
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers) watcher.close();
    this.#waiter?.(undefined);
    this.#waiter = undefined;
  }
}
