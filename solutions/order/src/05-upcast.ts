import type { Upcaster } from '@chronicle/core';
import type { OrderCreatedData, OrderCreatedV1Data } from './order-events';

/**
 * `OrderCreated` V1 → V2: V1 items had no price. Stored events are never rewritten; this runs on
 * every read instead, so the aggregate only ever sees V2. Version 1 orders predate pricing in
 * events, so they get the lesson's defaults: price 0 in USD (a real system would look the prices
 * up, e.g. in a price history by `event.occurredAt`).
 *
 * It builds new objects and never changes the stored event it is given.
 */
export const orderCreatedV1ToV2: Upcaster<OrderCreatedV1Data, OrderCreatedData> = {
  eventType: 'OrderCreated',
  fromSchemaVersion: 1,
  upcast: (event) => ({
    customerId: event.eventData.customerId,
    items: event.eventData.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      pricePerUnit: 0,
      currency: 'USD',
    })),
  }),
};

/** Every upcaster of the Order events, for the store's `upcasters` option. */
export const orderUpcasters: readonly Upcaster[] = [orderCreatedV1ToV2];
