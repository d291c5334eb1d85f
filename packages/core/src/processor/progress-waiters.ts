import { InvalidArgumentError, ProcessingTimeoutError } from '../errors';
import { assertNonNegativeInteger, assertPosition } from '../validation/arguments';

/** The time limit of `whenProcessed` when none is given, in ms. */
export const DEFAULT_WHEN_PROCESSED_TIMEOUT_MS = 10_000;

interface Waiter {
  readonly position: bigint;
  resolve(): void;
  reject(reason: 'stopped' | 'failed'): void;
}

/**
 * The promises of `whenProcessed` (C10): each resolves once the checkpoint reaches its position and
 * rejects with a typed error on its timeout or when the processor ends first.
 */
export function createProgressWaiters(processorId: string, checkpoint: () => bigint | undefined) {
  const waiters = new Set<Waiter>();
  let ended: 'stopped' | 'failed' | undefined;
  return {
    wait(position: unknown, options: { readonly timeoutMs?: number } = {}): Promise<void> {
      assertPosition(position, 'position');
      if (typeof options !== 'object' || options === null) {
        throw new InvalidArgumentError('options', 'must be { timeoutMs? }');
      }
      const { timeoutMs = DEFAULT_WHEN_PROCESSED_TIMEOUT_MS } = options;
      assertNonNegativeInteger(timeoutMs, 'options.timeoutMs');
      const reached = checkpoint();
      if (reached !== undefined && reached >= position) return Promise.resolve();
      const fail = (reason: 'timeout' | 'stopped' | 'failed') =>
        new ProcessingTimeoutError(processorId, position, checkpoint(), reason, timeoutMs);
      if (ended !== undefined) return Promise.reject(fail(ended));
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          position,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
          reject: (reason) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            reject(fail(reason));
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(fail('timeout'));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    /** Resolves the waiters the checkpoint now satisfies. */
    advanced(position: bigint): void {
      for (const waiter of [...waiters]) if (position >= waiter.position) waiter.resolve();
    },
    /** Rejects every waiter, and any later one, because the processor ended. */
    end(reason: 'stopped' | 'failed'): void {
      ended = reason;
      for (const waiter of [...waiters]) waiter.reject(reason);
    },
  };
}
