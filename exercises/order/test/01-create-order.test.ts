import { randomUUID } from 'node:crypto';
import { type EventStore, Repository } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder } from '#exercise/01-create-order';
import { Order } from '#exercise/order';
import { initialOrderState } from '#exercise/order-events';
import { codeOf, line } from './support/fixtures';

const stores = createTestStores('order-01');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

describe(`01-create-order: an order is created with its items (${stores.kind})`, () => {
  it('creates a draft: OrderCreated (schema version 2) with the customer and items', () => {
    const order = new Order('order-1');
    order.create({ customerId: 'cust-1', items: [line('book', 2, 1500), line('pen', 1, 250)] });
    expect(order.status).toBe('draft');
    expect(order.customerId).toBe('cust-1');
    expect(order.currency).toBe('EUR');
    expect(order.items).toEqual([line('book', 2, 1500), line('pen', 1, 250)]);
    expect(order.total).toBe(3250);
    const [created, ...rest] = order.uncommittedEvents;
    expect(rest).toEqual([]);
    expect(created).toMatchObject({
      eventType: 'OrderCreated',
      schemaVersion: 2,
      version: 1,
      eventData: { customerId: 'cust-1', items: [line('book', 2, 1500), line('pen', 1, 250)] },
    });
  });

  it('refuses what breaks a rule, raising nothing', () => {
    const refused = (items: unknown[], customerId = 'cust-1') => {
      const order = new Order('order-1');
      const code = codeOf(() => order.create({ customerId, items: items as ReturnType<typeof line>[] }));
      expect(order.uncommittedEvents).toEqual([]);
      return code;
    };
    expect(refused([])).toBe('NO_ITEMS');
    expect(refused([line('book', 1, 100)], '  ')).toBe('INVALID_CUSTOMER');
    expect(refused([line('book', 0, 100)])).toBe('INVALID_ITEM');
    expect(refused([line('book', 1, -1)])).toBe('INVALID_ITEM');
    expect(refused([line('book', 1, 9.99)])).toBe('INVALID_ITEM');
    expect(refused([line('book', 1, 100, 'euro')])).toBe('INVALID_ITEM');
    expect(refused([line('book', 1, 100), line('pen', 1, 100, 'USD')])).toBe('CURRENCY_MISMATCH');
    expect(refused([line('book', 1, 100), line('book', 2, 100)])).toBe('DUPLICATE_PRODUCT');
  });

  it('is created once only', () => {
    const order = new Order('order-1');
    order.create({ customerId: 'cust-1', items: [line('book', 1, 100)] });
    expect(codeOf(() => order.create({ customerId: 'cust-2', items: [line('pen', 1, 100)] }))).toBe(
      'ORDER_ALREADY_EXISTS',
    );
    expect(order.customerId).toBe('cust-1');
    expect(order.version).toBe(1);
  });

  it('records only the event’s own fields, and the order shares no objects with the input', () => {
    const items = [{ ...line('book', 1, 100), note: 'gift' }];
    const data = createOrder(initialOrderState(), { customerId: 'cust-1', items });
    expect(data).toEqual({ customerId: 'cust-1', items: [line('book', 1, 100)] });
    const order = new Order('order-1');
    order.create({ customerId: 'cust-1', items });
    items[0]!.quantity = 99;
    expect(order.items[0]?.quantity, 'changing the input afterwards must not change the order').toBe(1);
  });

  it('is saved and loads back the same', async () => {
    const orders = new Repository(store, { create: (id) => new Order(id) });
    const id = `order-${randomUUID()}`;
    const order = new Order(id);
    order.create({ customerId: 'cust-1', items: [line('book', 2, 1500)] });
    await orders.save(order);
    const loaded = await orders.get(id);
    expect([loaded.status, loaded.customerId, loaded.items, loaded.total]).toEqual([
      'draft',
      'cust-1',
      [line('book', 2, 1500)],
      3000,
    ]);
    const [stored] = await store.getEvents('Order', id);
    expect(stored?.schemaVersion).toBe(2);
  });
});
