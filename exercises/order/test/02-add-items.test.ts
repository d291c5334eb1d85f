import { randomUUID } from 'node:crypto';
import { type EventStore, Repository } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addItem } from '#exercise/02-add-item';
import { Order } from '#exercise/order';
import { initialOrderState, type OrderState } from '#exercise/order-events';
import { codeOf, line } from './support/fixtures';

const stores = createTestStores('order-02');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

function draft(): Order {
  const order = new Order('order-1');
  order.create({ customerId: 'cust-1', items: [line('book', 1, 1500)] });
  return order;
}

const stateWith = (status: OrderState['status']): OrderState => ({
  ...initialOrderState(),
  status,
  customerId: 'cust-1',
  currency: 'EUR',
  items: [line('book', 1, 1500)],
  confirmedTotal: status === 'confirmed' ? 1500 : null,
});

describe(`02-add-items: items are added only while the order is a draft (${stores.kind})`, () => {
  it('adds a new product as a new line: OrderItemAdded', () => {
    const order = draft();
    order.addItem(line('pen', 3, 250));
    expect(order.items).toEqual([line('book', 1, 1500), line('pen', 3, 250)]);
    expect(order.total).toBe(2250);
    expect(order.uncommittedEvents.map((e) => [e.eventType, e.eventData])).toEqual([
      ['OrderCreated', { customerId: 'cust-1', items: [line('book', 1, 1500)] }],
      ['OrderItemAdded', line('pen', 3, 250)],
    ]);
  });

  it('adds more of a product already ordered to its line', () => {
    const order = draft();
    order.addItem(line('book', 2, 1500));
    expect(order.items).toEqual([line('book', 3, 1500)]);
    expect(order.total).toBe(4500);
  });

  it('refuses a bad item, another currency, or a known product at another price', () => {
    const order = draft();
    expect(codeOf(() => order.addItem(line('pen', 0, 250)))).toBe('INVALID_ITEM');
    expect(codeOf(() => order.addItem(line('pen', 1, 250, 'USD')))).toBe('CURRENCY_MISMATCH');
    expect(codeOf(() => order.addItem(line('book', 1, 999)))).toBe('PRICE_MISMATCH');
    expect(order.version).toBe(1);
    expect(order.items).toEqual([line('book', 1, 1500)]);
  });

  it('refuses items for an order that is confirmed, cancelled, or does not exist', () => {
    expect(codeOf(() => addItem(stateWith('confirmed'), line('pen', 1, 250)))).toBe('NOT_DRAFT');
    expect(codeOf(() => addItem(stateWith('cancelled'), line('pen', 1, 250)))).toBe('NOT_DRAFT');
    expect(codeOf(() => addItem(initialOrderState(), line('pen', 1, 250)))).toBe('ORDER_NOT_FOUND');
    expect(addItem(stateWith('draft'), line('pen', 1, 250))).toEqual(line('pen', 1, 250));
  });

  it('is saved and loads back with every line', async () => {
    const orders = new Repository(store, { create: (id) => new Order(id) });
    const id = `order-${randomUUID()}`;
    const order = new Order(id);
    order.create({ customerId: 'cust-1', items: [line('book', 1, 1500)] });
    await orders.save(order);
    const again = await orders.get(id);
    again.addItem(line('pen', 2, 250));
    again.addItem(line('book', 1, 1500));
    await orders.save(again);
    const loaded = await orders.get(id);
    expect(loaded.items).toEqual([line('book', 2, 1500), line('pen', 2, 250)]);
    expect(loaded.version).toBe(3);
  });
});
