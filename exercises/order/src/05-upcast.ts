import type { Upcaster } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { OrderCreatedData, OrderCreatedV1Data } from './order-events';

/**
 * `OrderCreated` V1 → V2: V1 items had no price; V2 items have `pricePerUnit` and `currency`.
 * V1 orders get the lesson's defaults: price 0 in USD.
 */
export const orderCreatedV1ToV2: Upcaster<OrderCreatedV1Data, OrderCreatedData> = {
  // TODO: which stored events does this step read? (type and schema version)
  eventType: 'TODO',
  fromSchemaVersion: 0,
  upcast: (event) => {
    // TODO: return NEW V2 data built from event.eventData; never change the stored event.
    void event;
    throw new NotImplementedError('05-upcast', 'turn V1 data into V2 in orderCreatedV1ToV2.upcast()');
  },
};

/** Every upcaster of the Order events, for the store's `upcasters` option. */
// TODO: list your upcaster here.
export const orderUpcasters: readonly Upcaster[] = [];
