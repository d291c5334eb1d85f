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
    expect(order.items, 'each added product is a new line, after the existing ones').toEqual([
      line('book', 1, 1500),
      line('pen', 3, 250),
    ]);
    expect(order.total, 'the total counts the added lines: 1 x 1500 + 3 x 250').toBe(2250);
    expect(
      order.uncommittedEvents.map((e) => [e.eventType, e.eventData]),
      'adding two items raises two OrderItemAdded events with the item as data',
    ).toEqual([
      ['OrderCreated', { customerId: 'cust-1', items: [line('book', 1, 1500)] }],
      ['OrderItemAdded', line('pen', 3, 250)],
    ]);
  });

  it('adds more of a product already ordered to its line', () => {
    const order = draft();
    order.addItem(line('book', 2, 1500));
    expect(order.items, "more of a product already on the order adds to its line's quantity").toEqual([
      line('book', 3, 1500),
    ]);
    expect(order.total, 'the total counts the larger quantity: 3 x 1500').toBe(4500);
  });

  it('refuses a bad item, another currency, or a known product at another price', () => {
    const order = draft();
    expect(
      codeOf(() => order.addItem(line('pen', 0, 250))),
      'a quantity of 0 is refused with INVALID_ITEM',
    ).toBe('INVALID_ITEM');
    expect(
      codeOf(() => order.addItem(line('pen', 1, 250, 'USD'))),
      "an item in another currency than the order's is refused with CURRENCY_MISMATCH",
    ).toBe('CURRENCY_MISMATCH');
    expect(
      codeOf(() => order.addItem(line('book', 1, 999))),
      'a product already on the order at another price is refused with PRICE_MISMATCH',
    ).toBe('PRICE_MISMATCH');
    expect(order.version, 'refused items raise no event: the order stays at version 1').toBe(1);
    expect(order.items, 'refused items leave the lines as they were').toEqual([line('book', 1, 1500)]);
  });

  it('refuses items for an order that is confirmed, cancelled, or does not exist', () => {
    expect(
      codeOf(() => addItem(stateWith('confirmed'), line('pen', 1, 250))),
      'a confirmed order takes no more items: NOT_DRAFT',
    ).toBe('NOT_DRAFT');
    expect(
      codeOf(() => addItem(stateWith('cancelled'), line('pen', 1, 250))),
      'a cancelled order takes no more items: NOT_DRAFT',
    ).toBe('NOT_DRAFT');
    expect(
      codeOf(() => addItem(initialOrderState(), line('pen', 1, 250))),
      'an order that was never created takes no items: ORDER_NOT_FOUND',
    ).toBe('ORDER_NOT_FOUND');
    expect(
      addItem(stateWith('draft'), line('pen', 1, 250)),
      'addItem on a draft returns the OrderItemAdded data: the item itself',
    ).toEqual(line('pen', 1, 250));
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
    expect(loaded.items, 'items added after a load are saved: the loaded order has every line').toEqual([
      line('book', 2, 1500),
      line('pen', 2, 250),
    ]);
    expect(loaded.version, 'create + two items = version 3').toBe(3);
  });
});
