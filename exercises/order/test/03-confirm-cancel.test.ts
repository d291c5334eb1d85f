import { randomUUID } from 'node:crypto';
import { type EventStore, Repository } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Order } from '#exercise/order';
import { codeOf, line } from './support/fixtures';

const stores = createTestStores('order-03');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

function draft(): Order {
  const order = new Order('order-1');
  order.create({ customerId: 'cust-1', items: [line('book', 2, 1500), line('pen', 1, 250)] });
  return order;
}

const confirmation = { confirmedBy: 'cust-1', paymentMethod: 'card' };
const cancellation = { reason: 'changed my mind', cancelledBy: 'cust-1' };

describe(`03-confirm-cancel: confirming and cancelling (${stores.kind})`, () => {
  it('confirms a draft: OrderConfirmed records the total charged', () => {
    const order = draft();
    order.confirm(confirmation);
    expect(order.status, "a confirmed draft has status 'confirmed'").toBe('confirmed');
    expect(order.confirmedTotal, "the confirmed total is the order's total when it was confirmed: 3250").toBe(
      3250,
    );
    expect(
      order.uncommittedEvents.at(-1),
      'confirm() raises OrderConfirmed with who confirmed, how they pay, and the total charged',
    ).toMatchObject({
      eventType: 'OrderConfirmed',
      eventData: { confirmedBy: 'cust-1', paymentMethod: 'card', totalAmount: 3250, currency: 'EUR' },
    });
  });

  it('takes no more items once confirmed, and is confirmed once only', () => {
    const order = draft();
    order.confirm(confirmation);
    expect(
      codeOf(() => order.addItem(line('pen', 1, 250))),
      'a confirmed order takes no more items: NOT_DRAFT',
    ).toBe('NOT_DRAFT');
    expect(
      codeOf(() => order.confirm(confirmation)),
      'a confirmed order cannot be confirmed again: NOT_DRAFT',
    ).toBe('NOT_DRAFT');
    expect(order.version, 'refused commands raise no event: create + confirm = version 2').toBe(2);
  });

  it('refuses to confirm a cancelled order, an order that does not exist, or without who and how', () => {
    const cancelled = draft();
    cancelled.cancel(cancellation);
    expect(
      codeOf(() => cancelled.confirm(confirmation)),
      'a cancelled order cannot be confirmed: NOT_DRAFT',
    ).toBe('NOT_DRAFT');
    expect(
      codeOf(() => new Order('nope').confirm(confirmation)),
      'an order that was never created cannot be confirmed: ORDER_NOT_FOUND',
    ).toBe('ORDER_NOT_FOUND');
    expect(
      codeOf(() => draft().confirm({ confirmedBy: ' ', paymentMethod: 'card' })),
      'confirming without saying who (a blank confirmedBy) is refused: INVALID_INPUT',
    ).toBe('INVALID_INPUT');
    expect(
      codeOf(() => draft().confirm({ confirmedBy: 'cust-1', paymentMethod: '' })),
      'confirming without a payment method is refused: INVALID_INPUT',
    ).toBe('INVALID_INPUT');
  });

  it('cancels a draft with nothing to refund, and a confirmed order with a full refund', () => {
    const fromDraft = draft();
    fromDraft.cancel(cancellation);
    expect(fromDraft.status, "a cancelled draft has status 'cancelled'").toBe('cancelled');
    expect(
      fromDraft.uncommittedEvents.at(-1),
      'cancelling a draft raises OrderCancelled with nothing to refund (refundAmount 0)',
    ).toMatchObject({
      eventType: 'OrderCancelled',
      eventData: { reason: 'changed my mind', cancelledBy: 'cust-1', refundAmount: 0 },
    });
    const fromConfirmed = draft();
    fromConfirmed.confirm(confirmation);
    fromConfirmed.cancel({ reason: 'out of stock', cancelledBy: 'shop' });
    expect(
      fromConfirmed.uncommittedEvents.at(-1)?.eventData,
      'cancelling a confirmed order refunds the whole confirmed total (3250)',
    ).toEqual({
      reason: 'out of stock',
      cancelledBy: 'shop',
      refundAmount: 3250,
    });
  });

  it('cancels once only, never an order that does not exist, and not without a reason', () => {
    const order = draft();
    order.cancel(cancellation);
    expect(
      codeOf(() => order.cancel(cancellation)),
      'a cancelled order cannot be cancelled again: ALREADY_CANCELLED',
    ).toBe('ALREADY_CANCELLED');
    expect(
      codeOf(() => order.addItem(line('pen', 1, 250))),
      'a cancelled order takes no more items: NOT_DRAFT',
    ).toBe('NOT_DRAFT');
    expect(
      codeOf(() => new Order('nope').cancel(cancellation)),
      'an order that was never created cannot be cancelled: ORDER_NOT_FOUND',
    ).toBe('ORDER_NOT_FOUND');
    expect(
      codeOf(() => draft().cancel({ reason: '', cancelledBy: 'cust-1' })),
      'cancelling without a reason is refused: INVALID_INPUT',
    ).toBe('INVALID_INPUT');
    expect(order.version, 'refused commands raise no event: create + cancel = version 2').toBe(2);
  });

  it('is saved and loads back confirmed, then cancelled', async () => {
    const orders = new Repository(store, { create: (id) => new Order(id) });
    const id = `order-${randomUUID()}`;
    const order = new Order(id);
    order.create({ customerId: 'cust-1', items: [line('book', 1, 1500)] });
    order.confirm(confirmation);
    await orders.save(order);
    const confirmed = await orders.get(id);
    expect(
      [confirmed.status, confirmed.confirmedTotal],
      'a confirmed order loads back confirmed, with its confirmed total',
    ).toEqual(['confirmed', 1500]);
    confirmed.cancel(cancellation);
    await orders.save(confirmed);
    expect((await orders.get(id)).status, 'a cancelled order loads back cancelled').toBe('cancelled');
  });
});
