import type { SubscribableEventStore } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import { InvalidArgumentError } from '../errors';
import { assertIdentifier } from '../validation/arguments';
import { asError } from './handle-with-retries';
import type { HandlerContext } from './processor-contract';

/** What {@link replayParked} did. */
export interface ReplayParkedResult {
  /** Positions handled successfully and removed from the parked list. */
  readonly replayed: readonly bigint[];
  /** Positions that failed again (they stay parked, with the new error). */
  readonly failed: readonly { readonly position: bigint; readonly error: Error }[];
}

/**
 * Replays a processor's parked events through `handle`, in position order: each success is removed
 * from the parked list, each failure stays parked with its new error. Run it after fixing the cause;
 * it may run while the processor does (parked events are off its path).
 *
 * @example
 * ```ts
 * const { replayed, failed } = await replayParked(store, 'order-emails', sendEmail);
 * ```
 */
export async function replayParked(
  store: SubscribableEventStore,
  processorId: string,
  handle: (event: DomainEvent, context: HandlerContext) => Promise<void> | void,
): Promise<ReplayParkedResult> {
  assertIdentifier(processorId, 'processorId');
  if (typeof handle !== 'function') throw new InvalidArgumentError('handle', 'must be a function');
  const replayed: bigint[] = [];
  const failed: { position: bigint; error: Error }[] = [];
  for (const parked of await store.checkpoints.listParked(processorId)) {
    const event = await eventAt(store, parked.position);
    if (event === undefined) continue;
    try {
      await handle(event, { attempt: parked.attempts + 1, signal: new AbortController().signal });
      await store.checkpoints.unpark(processorId, parked.position);
      replayed.push(parked.position);
    } catch (thrown) {
      const error = asError(thrown);
      await store.checkpoints.park(processorId, {
        ...parked,
        error: error.message,
        attempts: parked.attempts + 1,
      });
      failed.push({ position: parked.position, error });
    }
  }
  return { replayed, failed };
}

/** The event at `position`, read (and upcast) through the store's own `readAll`. */
async function eventAt(store: SubscribableEventStore, position: bigint): Promise<DomainEvent | undefined> {
  for await (const event of store.readAll({ fromPosition: position - 1n, batchSize: 1 })) {
    return event.position === position ? event : undefined;
  }
  return undefined;
}
