import { randomUUID } from 'node:crypto';
import type { DomainEvent, NewEvent, ReadWriteEventStore, StreamRef } from '@chronicle/core';

/** A `BankAccount` stream. */
export const account = (id = 'acc-1'): StreamRef => ({ aggregateType: 'BankAccount', aggregateId: id });

/** An `Order` stream. */
export const order = (id = 'order-1'): StreamRef => ({ aggregateType: 'Order', aggregateId: id });

/** One event with an explicit, fresh id (so a test can repeat or compare it). */
export function newEvent(
  eventType = 'MoneyDeposited',
  eventData: unknown = { amount: 1 },
  extra: Partial<NewEvent> = {},
): NewEvent {
  return { eventId: randomUUID(), eventType, eventData, ...extra };
}

/** `count` events with fresh ids, data `{ n }` numbered from `from`. */
export function newEvents(count: number, eventType = 'MoneyDeposited', from = 1): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent(eventType, { n: from + i }));
}

/** Drains an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The versions of `events`, in order. */
export const versionsOf = (events: readonly DomainEvent[]): number[] => events.map((e) => e.version);

/** Backdoor counters the harness registers for the stores it opens (see `rawEventCount`). */
const rawCounters = new WeakMap<ReadWriteEventStore, () => Promise<number>>();

/** Lets {@link captureLog} also count what `store`'s storage really holds, bypassing its read API. */
export function registerRawEventCount(store: ReadWriteEventStore, count: () => Promise<number>): void {
  rawCounters.set(store, count);
}

/**
 * What a "nothing was written" check compares: two captures are equal exactly when nothing was
 * written in between. With the adapter's backdoor (`rawEventCount`), the number of events its
 * storage really holds — an append-only log that holds as many events as before holds the same ones,
 * and the count does not depend on the adapter's own reads, which may lawfully show less than is
 * committed (PostgreSQL's `readAll` stops at its read horizon while another transaction anywhere on
 * the server is still open, and returns what lies below it after `inFlightWaitMs`). Without one,
 * everything the store shows through its read API: the whole log in position order.
 */
export async function captureLog(store: ReadWriteEventStore): Promise<string[]> {
  const raw = rawCounters.get(store);
  if (raw !== undefined) return [`events in storage (backdoor): ${await raw()}`];
  const events = await store.getAllEvents();
  return events.map((e) => `${e.position}|${e.aggregateType}/${e.aggregateId}@${e.version}|${e.eventId}`);
}

/** Resolves after the event loop had a chance to run other tasks (and I/O callbacks). */
export const yieldToOthers = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded PRNG (mulberry32), so concurrent scenarios can be replayed from a printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
