import { randomUUID } from 'node:crypto';
import { type EventStore, Repository } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctItemPrice } from '#exercise/07-compensate';
import { Order } from '#exercise/order';
import { initialOrderState } from '#exercise/order-events';
import { codeOf, line } from './support/fixtures';

const stores = createTestStores('order-07');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

const correction = {
  productId: 'lamp',
  correctedPricePerUnit: 9999,
  reason: '99.99, not 999.99',
  correctedBy: 'clerk-1',
};

/** An order whose lamp was entered at 999.99 instead of 99.99. */
function mistaken(): Order {
  const order = new Order(`order-${randomUUID()}`);
  order.create({ customerId: 'cust-1', items: [line('lamp', 2, 99999), line('bulb', 1, 500)] });
  return order;
}

describe(`07-compensate: a mistake is corrected by a new event, never by editing history (${stores.kind})`, () => {
  it('corrects a price with OrderItemPriceCorrected, saying what was wrong, what is right, and why', () => {
    const order = mistaken();
    order.correctItemPrice(correction);
    expect(
      order.items,
      'after the correction the lamp line has the right price (99.99), the other lines are unchanged',
    ).toEqual([line('lamp', 2, 9999), line('bulb', 1, 500)]);
    expect(order.total, 'the total follows the corrected price: 2 x 9999 + 500').toBe(20498);
    expect(
      order.uncommittedEvents.at(-1),
      'correctItemPrice raises OrderItemPriceCorrected with the product, the wrong and the right price, and the reason',
    ).toMatchObject({
      eventType: 'OrderItemPriceCorrected',
      eventData: {
        productId: 'lamp',
        previousPricePerUnit: 99999,
        correctedPricePerUnit: 9999,
        totalAdjustment: -180000,
        reason: '99.99, not 999.99',
        correctedBy: 'clerk-1',
      },
    });
  });

  it('corrects a confirmed order too: the amount charged is adjusted by the difference', () => {
    const order = mistaken();
    order.confirm({ confirmedBy: 'cust-1', paymentMethod: 'card' });
    expect(order.confirmedTotal, 'before the correction, the confirmed total is the mistaken one').toBe(
      200498,
    );
    order.correctItemPrice(correction);
    expect(order.status, 'a correction does not change the status of a confirmed order').toBe('confirmed');
    expect(
      order.confirmedTotal,
      'on a confirmed order, the amount charged is adjusted by the difference: 20498',
    ).toBe(20498);
  });

  it('refuses corrections that make no sense, raising nothing', () => {
    const order = mistaken();
    expect(
      codeOf(() => order.correctItemPrice({ ...correction, productId: 'sofa' })),
      'correcting a product that is not on the order is refused: UNKNOWN_PRODUCT',
    ).toBe('UNKNOWN_PRODUCT');
    expect(
      codeOf(() => order.correctItemPrice({ ...correction, correctedPricePerUnit: 99999 })),
      'a "correction" to the price the line already has is refused: NOTHING_TO_CORRECT',
    ).toBe('NOTHING_TO_CORRECT');
    expect(
      codeOf(() => order.correctItemPrice({ ...correction, correctedPricePerUnit: -1 })),
      'a negative corrected price is refused: INVALID_ITEM',
    ).toBe('INVALID_ITEM');
    expect(
      codeOf(() => order.correctItemPrice({ ...correction, reason: ' ' })),
      'a correction without a reason is refused: INVALID_INPUT',
    ).toBe('INVALID_INPUT');
    expect(
      codeOf(() => correctItemPrice(initialOrderState(), correction)),
      'an order that was never created cannot be corrected: ORDER_NOT_FOUND',
    ).toBe('ORDER_NOT_FOUND');
    order.cancel({ reason: 'duplicate order', cancelledBy: 'cust-1' });
    expect(
      codeOf(() => order.correctItemPrice(correction)),
      'a cancelled order cannot be corrected: ALREADY_CANCELLED',
    ).toBe('ALREADY_CANCELLED');
    expect(order.version, 'refused corrections raise no event: create + cancel = version 2').toBe(2);
  });

  it('leaves the wrong event in history untouched and appends the correction after it', async () => {
    const orders = new Repository(store, { create: (id) => new Order(id) });
    const order = mistaken();
    await orders.save(order);
    const before = await store.getEvents('Order', order.id);
    const loaded = await orders.get(order.id);
    loaded.correctItemPrice(correction);
    await orders.save(loaded);
    const after = await store.getEvents('Order', order.id);
    expect(after.slice(0, 1), 'the original OrderCreated, byte for byte').toEqual(before);
    expect(
      after.map((e) => [e.version, e.eventType]),
      'the correction is appended after the original event, as a new version',
    ).toEqual([
      [1, 'OrderCreated'],
      [2, 'OrderItemPriceCorrected'],
    ]);
    expect(
      (after[0]!.eventData as { items: { pricePerUnit: number }[] }).items[0]?.pricePerUnit,
      'the stored OrderCreated still says 999.99: history is never rewritten',
    ).toBe(99999);
    const replayed = await orders.get(order.id);
    expect(replayed.items, 'replaying the history (mistake + correction) gives the corrected lines').toEqual([
      line('lamp', 2, 9999),
      line('bulb', 1, 500),
    ]);
  });
});
