import type { DomainEvent } from '../contract/types';
import type { HandlerContext } from './processor-contract';
import type { ResolvedProcessorOptions } from './processor-options';

/** How one event's handling ended. */
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
 * Runs the handler on one event with the retry policy: up to `maxAttempts` tries, waiting
 * `baseDelayMs · 2^(attempt-1)` (at most `maxDelayMs`) in between. `abandon` (a stop or a lost lease)
 * cuts the waiting short: the event is then neither handled nor failed, and is not checkpointed.
 */
export async function handleWithRetries(
  event: DomainEvent,
  options: ResolvedProcessorOptions,
  signal: AbortSignal,
  abandon: AbortSignal,
): Promise<HandlingOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const context: HandlerContext = { attempt, signal };
      await options.handle(event, context);
      return { kind: 'handled' };
    } catch (thrown) {
      if (attempt >= options.maxAttempts)
        return { kind: 'failed', error: asError(thrown), attempts: attempt };
      const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
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
