/**
 * Wake-up sources: how a subscription learns that new events may have been committed. The loop
 * (`subscription-loop.ts`) is the same for every adapter; only this differs.
 */

/** Tells listeners that new events may have been committed. A spurious wake-up is harmless (one more read). */
export interface WakeUpSource {
  /** Calls `listener` on each wake-up until the returned function is called. */
  onWake(listener: () => void): () => void;
}

/** An in-process wake-up source: the adapter calls `wake()` after each commit; listeners run at once. */
export interface WakeUpEmitter extends WakeUpSource {
  /** Wakes every listener. */
  wake(): void;
}

/**
 * Creates an in-process {@link WakeUpEmitter}: what the in-memory store uses, and what a database
 * adapter calls after its own connection commits, so a subscriber in the same process needs no poll.
 */
export function createWakeUpEmitter(): WakeUpEmitter {
  const listeners = new Set<() => void>();
  return {
    onWake(listener) {
      // A wrapper per registration, so the same function registered twice is removed once per call.
      const entry = () => listener();
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    wake() {
      for (const listener of [...listeners]) listener();
    },
  };
}

/**
 * A wake-up source that polls `changed()` every `intervalMs` while anyone listens (and not at all
 * otherwise): SQLite asks `PRAGMA data_version`, which changes when another connection commits.
 * `changed` must be cheap and must not throw (return `true` when unsure: a wake-up only costs a read).
 */
export function pollForChanges(changed: () => boolean, intervalMs: number): WakeUpSource {
  const emitter = createWakeUpEmitter();
  let listeners = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    onWake(listener) {
      const off = emitter.onWake(listener);
      if (listeners++ === 0) {
        timer = setInterval(() => {
          if (changed()) emitter.wake();
        }, intervalMs);
        // The poller alone does not keep the process alive; a waiting subscription's own timer does.
        timer.unref?.();
      }
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        off();
        if (--listeners === 0) clearInterval(timer);
      };
    },
  };
}

/** Merges wake-up sources: a listener is woken by any of them. */
export function mergeWakeUps(...sources: readonly WakeUpSource[]): WakeUpSource {
  return {
    onWake(listener) {
      const offs = sources.map((source) => source.onWake(listener));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
