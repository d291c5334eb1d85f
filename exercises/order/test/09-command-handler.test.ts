import { randomUUID } from 'node:crypto';
import { type EventStore, isConcurrencyError, Repository, type RetryInfo } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addItemByCommand } from '#exercise/09-command-handler';
import { Order } from '#exercise/order';
import { line, recording } from './support/fixtures';

const stores = createTestStores('order-09');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

const repository = (s: EventStore) => new Repository(s, { create: (id) => new Order(id) });

async function draftOrder(): Promise<string> {
  const id = `order-${randomUUID()}`;
  const order = new Order(id);
  order.create({ customerId: 'cust-1', items: [line('book', 1, 1500)] });
  await repository(store).save(order);
  return id;
}

/** The real store; before each of our first `conflicts` appends, another writer adds a pen and saves. */
function contended(conflicts: number): { store: EventStore; competitorSaves: () => number } {
  let saves = 0;
  const busy = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'append') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<EventStore['append']>) => {
        if (saves < conflicts) {
          const competitor = await repository(target).get(args[0].aggregateId);
          competitor.addItem(line('pen', 1, 250));
          await repository(target).save(competitor);
          saves++;
        }
        return target.append(...args);
      };
    },
  });
  return { store: busy, competitorSaves: () => saves };
}

describe(`09-command-handler: the AddItem command through handleCommand (${stores.kind})`, () => {
  it('adds the item and returns the new event, the version and the state', async () => {
    const id = await draftOrder();
    const result = await addItemByCommand(store, id, line('mug', 2, 900), { userId: 'clerk-1' });
    expect(
      result.newEvents,
      "handleCommand returns the one new OrderItemAdded, at version 2, carrying the request's userId (pass options on)",
    ).toMatchObject([
      { eventType: 'OrderItemAdded', eventData: line('mug', 2, 900), version: 2, userId: 'clerk-1' },
    ]);
    expect(result.nextExpectedVersion, 'OrderCreated + OrderItemAdded: the stream is at version 2').toBe(2);
    expect(
      result.state.items.map((l) => l.productId),
      'the returned state has the mug after the book',
    ).toEqual(['book', 'mug']);
    expect(
      (await repository(store).get(id)).items,
      'the Order class reads the same items back from the stream handleCommand wrote',
    ).toEqual(result.state.items);
  });

  it('retries a conflict on the fresh order, keeping the other writer’s change', async () => {
    const id = await draftOrder();
    const { store: busy, competitorSaves } = contended(1);
    const retries: RetryInfo[] = [];
    const result = await addItemByCommand(busy, id, line('mug', 1, 900), {
      retry: { baseDelayMs: 1, onRetry: (info) => retries.push(info) },
    });
    expect(competitorSaves(), 'the other writer saved its pen once, just before your first append').toBe(1);
    expect(
      retries.map((r) => r.attempt),
      'one conflict, one retry: pass options.retry on, so onRetry is called once, after attempt 1',
    ).toEqual([1]);
    expect(result.attempts, 'the first attempt conflicted, the second succeeded: 2 attempts').toBe(2);
    expect(
      result.state.items.map((l) => l.productId),
      "the retry decided on the fresh order: the other writer's pen is kept and your mug added after it",
    ).toEqual(['book', 'pen', 'mug']);
  });

  it('gives up after the attempts the policy allows, with the ConcurrencyError', async () => {
    const id = await draftOrder();
    const { store: busy } = contended(10);
    const error = await addItemByCommand(busy, id, line('mug', 1, 900), {
      retry: { maxAttempts: 3, baseDelayMs: 1, jitter: 'none' },
    }).catch((e: unknown) => e);
    expect(
      isConcurrencyError(error),
      `when all 3 attempts conflict, addItemByCommand must reject with the ConcurrencyError; it gave: ${String(error)}`,
    ).toBe(true);
    expect(
      (await repository(store).get(id)).items.map((l) => l.productId),
      "your mug was never stored: only the book and the other writer's pens are in the stream",
    ).toEqual(['book', 'pen']);
  });

  it('does not retry a rule error: a confirmed order is refused at once, nothing appended', async () => {
    const id = await draftOrder();
    const order = await repository(store).get(id);
    order.confirm({ confirmedBy: 'cust-1', paymentMethod: 'card' });
    await repository(store).save(order);
    const { store: watched, calls } = recording(store);
    const error = await addItemByCommand(watched, id, line('mug', 1, 900)).catch((e: unknown) => e);
    expect(error, 'adding an item to a confirmed order must reject with NOT_DRAFT').toMatchObject({
      code: 'NOT_DRAFT',
    });
    expect(
      calls.filter((c) => c.method === 'append'),
      'a refused item appends nothing',
    ).toEqual([]);
    expect(
      calls.filter((c) => c.method === 'getEvents'),
      'a rule error (NOT_DRAFT) is not retried: the order is loaded once',
    ).toHaveLength(1);
  });

  it('refuses an order that does not exist, with ORDER_NOT_FOUND', async () => {
    const error = await addItemByCommand(store, `order-${randomUUID()}`, line('mug', 1, 900)).catch(
      (e: unknown) => e,
    );
    expect(
      error,
      'adding an item to an order that was never created must reject with ORDER_NOT_FOUND',
    ).toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
  });
});
