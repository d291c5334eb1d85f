import { isCheckpointConflictError, isStoreUnavailableError } from '../errors';
import type { ResolvedProcessorOptions } from './processor-options';

/** How handling one event (or one batch) ended. */
export type HandlingOutcome =
  | { readonly kind: 'handled' }
  | { readonly kind: 'failed'; readonly error: Error; readonly attempts: number }
  | { readonly kind: 'abandoned' };

/**
 * Turns anything thrown into an `Error`, so a handler that throws a string or a plain object is
 * still reported (C9): the original stays as `cause`.
 */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let text: string;
  try {
    text = typeof thrown === 'object' && thrown !== null ? JSON.stringify(thrown) : String(thrown);
  } catch {
    text = Object.prototype.toString.call(thrown);
  }
  return new Error(`The handler threw a non-Error value: ${text}`, { cause: thrown });
}

/**
 * Runs `attemptOnce` with the retry policy: up to `maxAttempts` tries (`Infinity`: until it succeeds
 * or is abandoned), waiting `baseDelayMs · 2^(attempt-1)` (at most `maxDelayMs`) in between. `abandon`
 * (a stop or a lost lease) cuts the waiting short: the work is then neither handled nor failed, and
 * is not checkpointed. A `CheckpointConflictError` or a closed store's error is rethrown at once.
 */
export async function handleWithRetries(
  attemptOnce: (attempt: number) => Promise<void> | void,
  options: Pick<ResolvedProcessorOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>,
  abandon: AbortSignal,
): Promise<HandlingOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await attemptOnce(attempt);
      return { kind: 'handled' };
    } catch (thrown) {
      // Retrying cannot help once another instance holds the checkpoint or the store is closed:
      // the processor's turn ends on these (standby, or stopped).
      if (isCheckpointConflictError(thrown) || (isStoreUnavailableError(thrown) && thrown.closed))
        throw thrown;
      if (attempt >= options.maxAttempts)
        return { kind: 'failed', error: asError(thrown), attempts: attempt };
      // 2 ** attempt overflows to Infinity after ~1000 attempts; Math.min keeps the delay bounded.
      const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt - 1, 64));
      if (await interrupted(delay, abandon)) return { kind: 'abandoned' };
    }
  }
}

/** Sleeps `ms`; true when `signal` aborted first (or already had). */
export function interrupted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
