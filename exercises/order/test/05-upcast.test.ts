import { randomUUID } from 'node:crypto';
import { type DomainEvent, type EventStore, Repository } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCreatedV1ToV2, orderUpcasters } from '#exercise/05-upcast';
import { Order } from '#exercise/order';
import type { OrderCreatedV1Data } from '#exercise/order-events';
import { line } from './support/fixtures';

const stores = createTestStores('order-05');
let plain: EventStore;
let upcasting: EventStore;
beforeAll(async () => {
  plain = await stores.open();
  upcasting = await stores.open({ upcasters: orderUpcasters });
});
afterAll(() => stores.cleanup());

const v1Data: OrderCreatedV1Data = { customerId: 'cust-1', items: [{ productId: 'book', quantity: 2 }] };

/** An order as the first release stored it: OrderCreated at schema version 1, without prices. */
async function legacyOrder(): Promise<string> {
  const id = `order-${randomUUID()}`;
  await plain.append({ aggregateType: 'Order', aggregateId: id }, 'no_stream', [
    { eventType: 'OrderCreated', schemaVersion: 1, eventData: v1Data },
  ]);
  return id;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe(`05-upcast: OrderCreated V1 is read as V2 (${stores.kind})`, () => {
  it('orderCreatedV1ToV2 turns V1 data into V2: every item gets price 0 in USD', () => {
    expect(
      orderCreatedV1ToV2.eventType,
      "the upcaster reads OrderCreated events: set eventType to 'OrderCreated'",
    ).toBe('OrderCreated');
    expect(
      orderCreatedV1ToV2.fromSchemaVersion,
      'the upcaster reads the V1 events: set fromSchemaVersion to 1',
    ).toBe(1);
    expect(
      orderCreatedV1ToV2.toSchemaVersion ?? 2,
      'the upcaster produces V2: leave toSchemaVersion out (it defaults to 2) or set it to 2',
    ).toBe(2);
    expect(orderUpcasters, 'orderUpcasters must list orderCreatedV1ToV2, or no store will run it').toContain(
      orderCreatedV1ToV2,
    );
    const stored = deepFreeze({
      eventId: 'e-1',
      aggregateType: 'Order',
      aggregateId: 'order-1',
      eventType: 'OrderCreated',
      eventData: {
        customerId: 'cust-1',
        items: [
          { productId: 'book', quantity: 2 },
          { productId: 'pen', quantity: 1 },
        ],
      },
      schemaVersion: 1,
      version: 1,
      position: 1n,
      occurredAt: new Date('2024-01-01T00:00:00Z'),
    }) satisfies DomainEvent<string, OrderCreatedV1Data>;
    // Frozen: an upcaster that changes the stored event in place throws here.
    expect(
      orderCreatedV1ToV2.upcast(stored),
      'upcast returns new V2 data: the same customer and items, each item with pricePerUnit 0 and currency USD',
    ).toEqual({
      customerId: 'cust-1',
      items: [line('book', 2, 0, 'USD'), line('pen', 1, 0, 'USD')],
    });
  });

  it('a store with the upcasters reads a V1 event as V2; the stored event stays V1', async () => {
    const id = await legacyOrder();
    const [read] = await upcasting.getEvents('Order', id);
    expect(
      read,
      'a store given orderUpcasters reads the V1 OrderCreated as schema version 2, with V2 items',
    ).toMatchObject({
      schemaVersion: 2,
      eventData: { customerId: 'cust-1', items: [line('book', 2, 0, 'USD')] },
    });
    const [raw] = await plain.getEvents('Order', id);
    expect(
      raw,
      'a store without the upcasters still reads schema version 1: upcasting happens on read, the stored event is never rewritten',
    ).toMatchObject({ schemaVersion: 1, eventData: v1Data });
  });

  it('an order created in V1 days loads and works: it is a draft in USD', async () => {
    const id = await legacyOrder();
    const orders = new Repository(upcasting, { create: (orderId) => new Order(orderId) });
    const order = await orders.get(id);
    expect(
      [order.status, order.currency, order.items],
      'an order created in V1 days loads as [status, currency, items]: a draft in USD, its book at price 0',
    ).toEqual(['draft', 'USD', [line('book', 2, 0, 'USD')]]);
    order.addItem(line('pen', 1, 250, 'USD'));
    await orders.save(order);
    expect(
      (await orders.get(id)).total,
      'the V1 order takes new items: book at 0 + a pen at 250 = a total of 250',
    ).toBe(250);
  });

  it('leaves V2 events alone, and every read path upcasts (not just getEvents)', async () => {
    const id = await legacyOrder();
    const modern = new Order(`order-${randomUUID()}`);
    modern.create({ customerId: 'cust-2', items: [line('mug', 1, 900)] });
    await new Repository(upcasting, { create: (orderId) => new Order(orderId) }).save(modern);
    const [current] = await upcasting.getEvents('Order', modern.id);
    expect(
      current,
      'a V2 OrderCreated passes untouched: still schema version 2 with its own price and currency',
    ).toMatchObject({ schemaVersion: 2, eventData: { items: [line('mug', 1, 900)] } });
    const byType = (await upcasting.getEventsByType('OrderCreated')).filter((e) => e.aggregateId === id);
    const all = (await upcasting.getAllEvents('Order')).filter((e) => e.aggregateId === id);
    expect(
      byType.map((e) => e.schemaVersion),
      "getEventsByType('OrderCreated') upcasts too: the V1 event is read as version 2",
    ).toEqual([2]);
    expect(
      all.map((e) => e.schemaVersion),
      "getAllEvents('Order') upcasts too: the V1 event is read as version 2",
    ).toEqual([2]);
  });
});
