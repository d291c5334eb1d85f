import { randomUUID } from 'node:crypto';
import { type EventStore, isConcurrencyError, Repository, type RetryInfo } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addItemWithRetry } from '#exercise/04-retry';
import { Order } from '#exercise/order';
import { line } from './support/fixtures';

const stores = createTestStores('order-04');
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

/**
 * The real store, with a competing writer: before each of our first `conflicts` appends to the
 * order, another writer (its own repository, same database) adds a pen and saves. Our append then
 * meets a stream that has moved on, exactly as with a second process.
 */
function contended(conflicts: number) {
  const stats = { appends: 0, loads: 0, competitorSaves: 0 };
  const store2 = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'getEvents') {
        return (...args: Parameters<EventStore['getEvents']>) => {
          stats.loads++;
          return target.getEvents(...args);
        };
      }
      if (property !== 'append') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<EventStore['append']>) => {
        stats.appends++;
        if (stats.competitorSaves < conflicts) {
          const competitor = await repository(target).get(args[0].aggregateId);
          competitor.addItem(line('pen', 1, 250));
          await repository(target).save(competitor);
          stats.competitorSaves++;
        }
        return target.append(...args);
      };
    },
  });
  return { store: store2, stats };
}

describe(`04-retry: adding an item retries with backoff on a conflict (${stores.kind})`, () => {
  it('reloads and retries after a conflict, keeping the other writer’s change', async () => {
    const id = await draftOrder();
    const { store: busy, stats } = contended(1);
    const retries: RetryInfo[] = [];
    const order = await addItemWithRetry(repository(busy), id, line('mug', 1, 900), {
      baseDelayMs: 1,
      onRetry: (info) => retries.push(info),
    });
    expect(
      retries.map((r) => r.attempt),
      'one conflict means one retry: pass `retry` to withRetry so onRetry is called once, after attempt 1',
    ).toEqual([1]);
    expect(stats.appends, 'two saves: the first conflicts, the retry succeeds').toBe(2);
    expect(
      order.items.map((l) => l.productId),
      "the returned order was reloaded on the retry: it has the other writer's pen, then your mug",
    ).toEqual(['book', 'pen', 'mug']);
    const stored = await repository(store).get(id);
    expect(
      stored.items,
      "the stored order keeps the other writer's pen and your mug: no lost update",
    ).toEqual([line('book', 1, 1500), line('pen', 1, 250), line('mug', 1, 900)]);
    expect(stored.version, "create + the other writer's pen + your mug = version 3").toBe(3);
  });

  it('gives up after maxAttempts tries in all with the ConcurrencyError, backing off 1, 2, 4 ms', async () => {
    const id = await draftOrder();
    const { store: busy, stats } = contended(Number.POSITIVE_INFINITY);
    const retries: RetryInfo[] = [];
    const attempt = addItemWithRetry(repository(busy), id, line('mug', 1, 900), {
      maxAttempts: 4,
      baseDelayMs: 1,
      jitter: 'none',
      onRetry: (info) => retries.push(info),
    });
    await expect(
      attempt,
      'when every attempt conflicts, the last ConcurrencyError must be thrown as it is (not wrapped in a new Error)',
    ).rejects.toSatisfy(isConcurrencyError);
    expect(
      stats.appends,
      'maxAttempts: 4 means 4 tries in all, the first included: load, add and save on every attempt',
    ).toBe(4);
    expect(
      retries.map((r) => r.delayMs),
      'the pauses between the 4 tries double from baseDelayMs 1 (jitter none): 1, 2, 4 ms',
    ).toEqual([1, 2, 4]);
    const stored = await repository(store).get(id);
    expect(
      stored.items.map((l) => l.productId),
      "every one of your saves conflicted, so your mug was never stored: only the book and the other writer's pens are",
    ).toEqual(['book', 'pen']);
  });

  it('does not retry what is not a conflict: a confirmed order refuses at once', async () => {
    const id = await draftOrder();
    const orders = repository(store);
    const order = await orders.get(id);
    order.confirm({ confirmedBy: 'cust-1', paymentMethod: 'card' });
    await orders.save(order);
    const { store: busy, stats } = contended(0);
    await expect(
      addItemWithRetry(repository(busy), id, line('mug', 1, 900), { baseDelayMs: 1 }),
      'adding an item to a confirmed order must reject with NOT_DRAFT',
    ).rejects.toMatchObject({ code: 'NOT_DRAFT' });
    expect(
      stats.loads,
      'a rule error (NOT_DRAFT) is not a conflict: it is not retried, the order is loaded once',
    ).toBe(1);
    expect(stats.appends, 'a refused item is never saved').toBe(0);
  });

  it('sees the order as it is on every attempt: confirmed meanwhile means NOT_DRAFT, not a lost update', async () => {
    const id = await draftOrder();
    let confirmedOnce = false;
    const racing = new Proxy(store, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property !== 'append') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<EventStore['append']>) => {
          if (!confirmedOnce) {
            confirmedOnce = true;
            const other = await repository(target).get(id);
            other.confirm({ confirmedBy: 'cust-1', paymentMethod: 'card' });
            await repository(target).save(other);
          }
          return target.append(...args);
        };
      },
    });
    await expect(
      addItemWithRetry(repository(racing), id, line('mug', 1, 900), { baseDelayMs: 1 }),
      'the other writer confirmed the order: your retry must reload it, see it is confirmed, and reject with NOT_DRAFT',
    ).rejects.toMatchObject({ code: 'NOT_DRAFT' });
    const stored = await repository(store).get(id);
    expect(stored.status, "the other writer's confirmation stands").toBe('confirmed');
    expect(stored.items, 'your mug was not added to the confirmed order: only the book is stored').toEqual([
      line('book', 1, 1500),
    ]);
  });
});
