import type { DomainEvent, EventStore } from '@chronicle/core';
import amqp, { type ConsumeMessage } from 'amqplib';
import { createMessageDeduplicator } from '../../src/index';
import { BROKER_URL } from './broker';

/** How many messages `queue` holds now (no consumer may be attached). */
export async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(BROKER_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Every message in `queue`, in queue order (the order the broker stored them), acknowledged. */
export async function drainQueue(queue: string): Promise<ConsumeMessage[]> {
  const connection = await amqp.connect(BROKER_URL);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.prefetch(1000);
    const messages: ConsumeMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      if (messageCount === 0) resolve();
      const timer = setTimeout(
        () => reject(new Error(`drained ${messages.length} of ${messageCount}`)),
        60_000,
      );
      void channel.consume(queue, (message) => {
        if (message === null) return;
        messages.push(message);
        channel.ack(message);
        if (messages.length === messageCount) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return messages;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** What the consumer saw, checked against the store's log. */
export interface DeliveryReport {
  /** Messages received, repeats included. */
  readonly messages: number;
  /** Repeats: messages whose message id came before. */
  readonly duplicates: number;
  /** Queue indexes of the repeats. */
  readonly duplicateIndexes: readonly number[];
  /** Positions of the repeated events. */
  readonly duplicatePositions: readonly bigint[];
}

/**
 * Checks the relay's guarantees on what a queue received, and throws naming the first violation:
 * every event of `events` arrived at least once, nothing else arrived, and — per stream — no message
 * came before its predecessor version had (raw order: repeats restart from an earlier version, never
 * skip ahead), so that deduplicating by message id leaves each stream's events exactly once, in
 * version order.
 */
export function checkDeliveries(
  messages: readonly ConsumeMessage[],
  events: readonly DomainEvent[],
): DeliveryReport {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const highest = new Map<string, number>();
  const dedupe = createMessageDeduplicator({ capacity: messages.length + 1 });
  const exactlyOnce = new Map<string, number[]>();
  const duplicateIndexes: number[] = [];
  const duplicatePositions: bigint[] = [];
  messages.forEach((message, index) => {
    const id = message.properties.messageId as string;
    const event = byId.get(id);
    if (event === undefined) throw new Error(`message #${index} (${id}) is not an event of the store`);
    const stream = `${event.aggregateType}/${event.aggregateId}`;
    const seen = highest.get(stream) ?? 0;
    if (event.version > seen + 1)
      throw new Error(
        `message #${index}: ${stream} version ${event.version} arrived before version ${seen + 1}`,
      );
    highest.set(stream, Math.max(seen, event.version));
    if (dedupe.firstDelivery(id))
      exactlyOnce.set(stream, [...(exactlyOnce.get(stream) ?? []), event.version]);
    else {
      duplicateIndexes.push(index);
      duplicatePositions.push(event.position);
    }
  });
  const expected = new Map<string, number>();
  for (const e of events) expected.set(`${e.aggregateType}/${e.aggregateId}`, e.version);
  for (const [stream, last] of expected) {
    const versions = exactlyOnce.get(stream) ?? [];
    const inOrder = versions.length === last && versions.every((v, i) => v === i + 1);
    if (!inOrder)
      throw new Error(
        `${stream}: after dedupe got versions ${versions.slice(0, 20).join(',')}…, expected 1..${last}`,
      );
  }
  return {
    messages: messages.length,
    duplicates: duplicateIndexes.length,
    duplicateIndexes,
    duplicatePositions,
  };
}

/** Every event of the store, in position order. */
export async function allEvents(store: EventStore): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}
