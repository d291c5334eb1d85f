import { type ConcurrencyError, InvalidArgumentError, isConcurrencyError } from '../errors';
import { assertPositiveInteger } from '../validation/arguments';

/** What each attempt of {@link withRetry} is given. */
export interface RetryContext {
  /** 1 for the first try, 2 for the first retry, … up to `maxAttempts`. */
  readonly attempt: number;
  /** The `signal` option, to pass on to whatever the attempt awaits. */
  readonly signal: AbortSignal | undefined;
}

/** What `onRetry` is told before {@link withRetry} waits and tries again. */
export interface RetryInfo {
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** How long it waits before the next attempt. */
  readonly delayMs: number;
  /** The conflict that caused the retry. */
  readonly error: ConcurrencyError;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** How many times to run the operation in all, the first try included. Default `3`. */
  readonly maxAttempts?: number;
  /** The delay cap before the first retry, in ms; each later retry doubles it (see `factor`). Default `50`. */
  readonly baseDelayMs?: number;
  /** The largest delay cap, in ms. Default `2000`. */
  readonly maxDelayMs?: number;
  /** How much the cap grows per retry. Default `2`. */
  readonly factor?: number;
  /**
   * `'full'` (default) waits a random time between 0 and the cap, so writers that collided spread out
   * instead of colliding again in lock-step; `'none'` waits the cap exactly.
   */
  readonly jitter?: 'full' | 'none';
  /** Aborts the waiting and further attempts; the call then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Told before each retry (for logs or metrics). */
  readonly onRetry?: (info: RetryInfo) => void;
  /** The random source for jitter, returning a number in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Runs a load-decide-save operation, and re-runs it while it fails with a `ConcurrencyError` (another
 * writer got there first), up to `maxAttempts` tries in all, waiting an exponentially growing,
 * jittered delay in between. The operation must reload on every attempt: a retry with stale state
 * would only conflict again. Any other error passes through at once, untouched; when attempts run
 * out, the last `ConcurrencyError` is thrown (it carries the actual stream version).
 *
 * The lesson's `addItemToOrderWithRetry`, generalised. Its loop made `maxRetries = 3` mean three
 * tries but only two retries, waited 200 ms (not 100) before the first retry, had no jitter, and
 * replaced the conflict by a bare `Error`.
 *
 * @returns what the operation returned
 * @throws ConcurrencyError when every attempt conflicted
 * @throws the signal's reason when aborted before an attempt or while waiting
 * @throws InvalidArgumentError on malformed options
 *
 * @example
 * ```ts
 * await withRetry(async () => {
 *   const order = await orders.get(orderId);
 *   order.addItem(item);
 *   await orders.save(order);
 * }, { maxAttempts: 5, signal: request.signal });
 * ```
 */
export async function withRetry<T>(
  operation: (context: RetryContext) => Promise<T> | T,
  options: RetryOptions = {},
): Promise<T> {
  if (typeof operation !== 'function') throw new InvalidArgumentError('operation', 'must be a function');
  const {
    maxAttempts = 3,
    baseDelayMs = 50,
    maxDelayMs = 2000,
    factor = 2,
    jitter = 'full',
    signal,
    onRetry,
    random = Math.random,
  } = options;
  assertPositiveInteger(maxAttempts, 'options.maxAttempts');
  assertNonNegative(baseDelayMs, 'options.baseDelayMs');
  assertNonNegative(maxDelayMs, 'options.maxDelayMs');
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new InvalidArgumentError('options.factor', `must be a number >= 1, got ${String(factor)}`);
  }
  if (jitter !== 'full' && jitter !== 'none') {
    throw new InvalidArgumentError('options.jitter', `must be 'full' or 'none', got ${String(jitter)}`);
  }

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await operation({ attempt, signal });
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= maxAttempts) throw error;
      // The attempt conflicted, so nothing was written: stopping here on abort loses nothing.
      signal?.throwIfAborted();
      const cap = Math.min(maxDelayMs, baseDelayMs * factor ** (attempt - 1));
      const delayMs = jitter === 'full' ? random() * cap : cap;
      onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

function assertNonNegative(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(argument, `must be a non-negative number, got ${String(value)}`);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
