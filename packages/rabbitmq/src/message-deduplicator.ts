import { InvalidArgumentError } from '@chronicle/core';

/** Remembers the most recent message ids a consumer has seen. */
export interface MessageDeduplicator {
  /**
   * `true` the first time `messageId` is seen (handle the message), `false` for a repeat within the
   * remembered window (ack it and skip it).
   */
  firstDelivery(messageId: string): boolean;
  /** How many ids are remembered now. */
  readonly size: number;
}

/**
 * An in-memory dedupe window for consumers of a relay: the relay publishes at least once, and a
 * message the broker stored but could not confirm (a connection lost at the wrong moment) is
 * published again. Its `message-id` is the event id, so remembering the last `capacity` ids drops
 * those repeats. The memory is per process and bounded: for exactly-once effects across restarts,
 * record the id in the consumer's own database in the transaction that applies the message (see
 * docs/relays.md).
 *
 * @param options.capacity - how many ids to remember (oldest forgotten first), default `100000`
 * @example
 * ```ts
 * const dedupe = createMessageDeduplicator();
 * await channel.consume('billing', (message) => {
 *   if (message && dedupe.firstDelivery(message.properties.messageId)) apply(message);
 *   if (message) channel.ack(message);
 * });
 * ```
 */
export function createMessageDeduplicator(options: { readonly capacity?: number } = {}): MessageDeduplicator {
  const capacity = options.capacity ?? 100_000;
  if (!Number.isSafeInteger(capacity) || capacity <= 0)
    throw new InvalidArgumentError('options.capacity', 'must be a positive integer');
  // A Set iterates in insertion order: its first entry is the oldest id.
  const seen = new Set<string>();
  return {
    firstDelivery(messageId) {
      if (seen.has(messageId)) return false;
      seen.add(messageId);
      if (seen.size > capacity) seen.delete(seen.values().next().value as string);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
