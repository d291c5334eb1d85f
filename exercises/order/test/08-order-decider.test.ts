import { type EventStore, everyNEvents, handleCommand, Repository } from '@chronicle/core';
import { deciderSpecification } from '@chronicle/core/testing';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderDecider } from '#exercise/08-order-decider';
import { Order } from '#exercise/order';
import { line } from './support/fixtures';

const stores = createTestStores('order-08');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

const spec = deciderSpecification(orderDecider);
const items = [line('book', 2, 1500), line('pen', 1, 250)];
const created = { eventType: 'OrderCreated', eventData: { customerId: 'cust-1', items } } as const;
const confirmed = {
  eventType: 'OrderConfirmed',
  eventData: { confirmedBy: 'cust-1', paymentMethod: 'card', totalAmount: 3250, currency: 'EUR' },
} as const;
const confirmation = { confirmedBy: 'cust-1', paymentMethod: 'card' };

describe(`08-order-decider: the same rules as a decider, specified given/when/then (${stores.kind})`, () => {
  it('given nothing, when CreateOrder, then OrderCreated', () => {
    spec
      .given([])
      .when({ type: 'CreateOrder', input: { customerId: 'cust-1', items } })
      .then([created]);
  });

  it('given a draft, when AddItem, then OrderItemAdded, and the state has the line', () => {
    const { state } = spec
      .given([created])
      .when({ type: 'AddItem', item: line('ink', 3, 100) })
      .then([{ eventType: 'OrderItemAdded', eventData: line('ink', 3, 100) }]);
    expect(
      state.items.map((l) => l.productId),
      'evolve OrderItemAdded with your whenItemAdded: the state gains the ink line after book and pen',
    ).toEqual(['book', 'pen', 'ink']);
  });

  it('given a draft, when ConfirmOrder, then OrderConfirmed records the total', () => {
    spec.given([created]).when({ type: 'ConfirmOrder', input: confirmation }).then([confirmed]);
  });

  it('given a confirmed order, when CancelOrder, then OrderCancelled refunds what was charged', () => {
    spec
      .given([created, confirmed])
      .when({ type: 'CancelOrder', input: { reason: 'changed my mind', cancelledBy: 'cust-1' } })
      .then([
        {
          eventType: 'OrderCancelled',
          eventData: { reason: 'changed my mind', cancelledBy: 'cust-1', refundAmount: 3250 },
        },
      ]);
  });

  it('given a confirmed order, when CorrectItemPrice, then the compensating event', () => {
    const { state } = spec
      .given([created, confirmed])
      .when({
        type: 'CorrectItemPrice',
        input: { productId: 'book', correctedPricePerUnit: 1200, reason: 'typo', correctedBy: 'ops-1' },
      })
      .then([
        {
          eventType: 'OrderItemPriceCorrected',
          eventData: {
            productId: 'book',
            previousPricePerUnit: 1500,
            correctedPricePerUnit: 1200,
            totalAdjustment: -600,
            reason: 'typo',
            correctedBy: 'ops-1',
          },
        },
      ]);
    expect(
      state.confirmedTotal,
      'evolve OrderItemPriceCorrected with your whenItemPriceCorrected: the amount charged drops by 600, 3250 - 600 = 2650',
    ).toBe(2650);
  });

  it('refuses what the class refuses, with the same OrderError codes', () => {
    spec
      .given([])
      .when({ type: 'ConfirmOrder', input: confirmation })
      .thenThrows({ code: 'ORDER_NOT_FOUND' });
    spec
      .given([created, confirmed])
      .when({ type: 'AddItem', item: line('ink', 1, 100) })
      .thenThrows({ code: 'NOT_DRAFT' });
    spec
      .given([created])
      .when({ type: 'CreateOrder', input: { customerId: 'cust-1', items } })
      .thenThrows({ code: 'ORDER_ALREADY_EXISTS' });
    spec
      .given([created])
      .when({ type: 'AddItem', item: line('book', 1, 999) })
      .thenThrows({ code: 'PRICE_MISMATCH' });
  });

  it('handleCommand writes the stream Repository<Order> reads, OrderCreated at schema version 2', async () => {
    const stream = { aggregateType: 'Order', aggregateId: 'order-f1' };
    await handleCommand(store, stream, orderDecider, {
      type: 'CreateOrder',
      input: { customerId: 'cust-1', items },
    });
    const result = await handleCommand(store, stream, orderDecider, {
      type: 'ConfirmOrder',
      input: confirmation,
    });
    expect(result.state.status, 'after CreateOrder then ConfirmOrder, the decider state is confirmed').toBe(
      'confirmed',
    );
    expect(result.nextExpectedVersion, 'two commands appended two events: the stream is at version 2').toBe(
      2,
    );

    const [first] = await store.getEvents('Order', 'order-f1');
    expect(
      first?.schemaVersion,
      'the decider must stamp OrderCreated at schema version 2, as the Order class does (eventSchemaVersions)',
    ).toBe(2);
    const order = await new Repository(store, { create: (id) => new Order(id) }).get('order-f1');
    expect(order.status, 'Repository<Order> reads the stream the decider wrote: the order is confirmed').toBe(
      'confirmed',
    );
    expect(
      order.confirmedTotal,
      'the class reads the total the decider confirmed: 2 x 1500 + 250 = 3250',
    ).toBe(3250);
  });

  it('and the other way round: a decider continues an order the class saved, from its snapshot', async () => {
    const orders = new Repository(store, {
      create: (id) => new Order(id),
      snapshotStrategy: everyNEvents(1),
    });
    const order = new Order('order-f2');
    order.create({ customerId: 'cust-2', items });
    await orders.save(order);
    const result = await handleCommand(
      store,
      { aggregateType: 'Order', aggregateId: 'order-f2' },
      orderDecider,
      { type: 'AddItem', item: line('pen', 2, 250) },
    );
    expect(
      result.state.items,
      "the decider continues the class's order from its snapshot: adding 2 pens to the 1 there makes 3",
    ).toEqual([line('book', 2, 1500), line('pen', 3, 250)]);
    expect(
      result.nextExpectedVersion,
      "the class's OrderCreated + the decider's OrderItemAdded: the stream is at version 2",
    ).toBe(2);
  });
});
