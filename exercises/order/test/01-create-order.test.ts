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
    expect(order.status, "a new order is a draft: whenOrderCreated sets status to 'draft'").toBe('draft');
    expect(order.customerId, 'the order belongs to the customer in OrderCreated').toBe('cust-1');
    expect(order.currency, "the order's currency is its items' currency").toBe('EUR');
    expect(order.items, 'the order has the lines of OrderCreated, in order').toEqual([
      line('book', 2, 1500),
      line('pen', 1, 250),
    ]);
    expect(order.total, 'the total is the sum of quantity x price of every line, in cents').toBe(3250);
    const [created, ...rest] = order.uncommittedEvents;
    expect(rest, 'creating an order raises one event, OrderCreated, and nothing else').toEqual([]);
    expect(
      created,
      'the raised event is OrderCreated (schema version 2, stream version 1) with the customer and the items',
    ).toMatchObject({
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
      expect(
        order.uncommittedEvents,
        'a refused create must raise no event: throw before deciding anything',
      ).toEqual([]);
      return code;
    };
    expect(refused([]), 'an order without items is refused with NO_ITEMS').toBe('NO_ITEMS');
    expect(
      refused([line('book', 1, 100)], '  '),
      'a blank customer id is refused with INVALID_CUSTOMER',
    ).toBe('INVALID_CUSTOMER');
    expect(refused([line('book', 0, 100)]), 'a quantity of 0 is refused with INVALID_ITEM').toBe(
      'INVALID_ITEM',
    );
    expect(refused([line('book', 1, -1)]), 'a negative price is refused with INVALID_ITEM').toBe(
      'INVALID_ITEM',
    );
    expect(
      refused([line('book', 1, 9.99)]),
      'a price that is not whole cents (9.99) is refused with INVALID_ITEM',
    ).toBe('INVALID_ITEM');
    expect(
      refused([line('book', 1, 100, 'euro')]),
      'a currency that is not a 3-letter code is refused with INVALID_ITEM',
    ).toBe('INVALID_ITEM');
    expect(
      refused([line('book', 1, 100), line('pen', 1, 100, 'USD')]),
      'items in two currencies are refused with CURRENCY_MISMATCH',
    ).toBe('CURRENCY_MISMATCH');
    expect(
      refused([line('book', 1, 100), line('book', 2, 100)]),
      'the same product on two lines is refused with DUPLICATE_PRODUCT',
    ).toBe('DUPLICATE_PRODUCT');
  });

  it('is created once only', () => {
    const order = new Order('order-1');
    order.create({ customerId: 'cust-1', items: [line('book', 1, 100)] });
    expect(
      codeOf(() => order.create({ customerId: 'cust-2', items: [line('pen', 1, 100)] })),
      'creating an order that exists already is refused with ORDER_ALREADY_EXISTS',
    ).toBe('ORDER_ALREADY_EXISTS');
    expect(order.customerId, 'the refused second create leaves the customer as it was').toBe('cust-1');
    expect(order.version, 'the refused second create raises no event: the order stays at version 1').toBe(1);
  });

  it('records only the event’s own fields, and the order shares no objects with the input', () => {
    const items = [{ ...line('book', 1, 100), note: 'gift' }];
    const data = createOrder(initialOrderState(), { customerId: 'cust-1', items });
    expect(
      data,
      "createOrder returns only the event's fields: customerId and each item's productId, quantity, pricePerUnit, currency",
    ).toEqual({ customerId: 'cust-1', items: [line('book', 1, 100)] });
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
    expect(
      [loaded.status, loaded.customerId, loaded.items, loaded.total],
      'an order saved and loaded back has the same status, customer, lines and total',
    ).toEqual(['draft', 'cust-1', [line('book', 2, 1500)], 3000]);
    const [stored] = await store.getEvents('Order', id);
    expect(stored?.schemaVersion, 'OrderCreated is stored at schema version 2').toBe(2);
  });
});
