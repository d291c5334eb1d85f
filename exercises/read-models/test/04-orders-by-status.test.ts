import { type EventStore, startProjection } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import { countOrdersByStatus, orderIdsWithStatus, ordersView } from '#exercise/04-orders-by-status';
import { freshStore, succeeds } from './support/bank';

async function order(
  store: EventStore,
  id: string,
  ...steps: ('confirm' | 'ship' | 'cancel')[]
): Promise<bigint> {
  const events = [{ eventType: 'OrderPlaced', eventData: { customerId: `cust-of-${id}`, total: 2500 } }];
  for (const step of steps) {
    if (step === 'confirm')
      events.push({ eventType: 'OrderConfirmed', eventData: { confirmedBy: 'clerk' } as never });
    if (step === 'ship') events.push({ eventType: 'OrderShipped', eventData: { carrier: 'post' } as never });
    if (step === 'cancel')
      events.push({ eventType: 'OrderCancelled', eventData: { reason: 'changed mind' } as never });
  }
  const { lastPosition } = await store.append(
    { aggregateType: 'Order', aggregateId: id },
    'no_stream',
    events,
  );
  return lastPosition;
}

describe('04-orders-by-status: a query over a read model', () => {
  it('finds the orders in a status, and counts every status', async () => {
    const store = await freshStore('04');
    await order(store, 'o-1');
    await order(store, 'o-2', 'confirm');
    await order(store, 'o-3', 'confirm', 'ship');
    await order(store, 'o-4', 'cancel');
    const last = await order(store, 'o-5', 'confirm');
    const view = startProjection(store, ordersView);
    try {
      await succeeds(view.whenProcessed(last, { timeoutMs: 5_000 }), 'the orders projection catching up');
    } finally {
      await view.stop();
    }
    expect(
      await succeeds(orderIdsWithStatus(store, 'confirmed'), 'the query'),
      'the confirmed orders, in id order',
    ).toEqual(['o-2', 'o-5']);
    expect(await orderIdsWithStatus(store, 'shipped'), 'the shipped order').toEqual(['o-3']);
    expect(await orderIdsWithStatus(store, 'placed'), 'the one only placed').toEqual(['o-1']);
    expect(await succeeds(countOrdersByStatus(store), 'the counts'), 'how many in each status').toEqual({
      placed: 1,
      confirmed: 2,
      shipped: 1,
      cancelled: 1,
    });
  });

  it('declares an index on status, for the query to use', () => {
    expect(
      ordersView.indexes,
      "the orders collection's status field is indexed: indexes: { orders: ['status'] }",
    ).toEqual({
      orders: ['status'],
    });
  });
});
