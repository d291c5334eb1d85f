import type { Decider } from '@chronicle/core';
import { createOrder, whenOrderCreated } from './01-create-order';
import { addItem, whenItemAdded } from './02-add-item';
import { cancelOrder, confirmOrder, whenOrderCancelled, whenOrderConfirmed } from './03-confirm-cancel';
import { correctItemPrice, whenItemPriceCorrected } from './07-compensate';
import type { OrderCommand } from './order-commands';
import { initialOrderState, type OrderEvent, type OrderState } from './order-events';

/**
 * The order as a decider: the very rules of steps 01–03 and 07, routed by command type instead of
 * by method. `handleCommand(store, stream, orderDecider, command)` loads, decides, appends and
 * retries; the stream it writes is the one `Repository<Order>` reads.
 */
export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  name: 'Order',
  initialState: initialOrderState,
  // The same stamp as the Order class: OrderCreated is stored at schema version 2 (step 05).
  eventSchemaVersions: { OrderCreated: 2 },
  evolve: {
    OrderCreated: whenOrderCreated,
    OrderItemAdded: whenItemAdded,
    OrderConfirmed: whenOrderConfirmed,
    OrderCancelled: whenOrderCancelled,
    OrderItemPriceCorrected: whenItemPriceCorrected,
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateOrder':
        return [{ eventType: 'OrderCreated', eventData: createOrder(state, command.input) }];
      case 'AddItem':
        return [{ eventType: 'OrderItemAdded', eventData: addItem(state, command.item) }];
      case 'ConfirmOrder':
        return [{ eventType: 'OrderConfirmed', eventData: confirmOrder(state, command.input) }];
      case 'CancelOrder':
        return [{ eventType: 'OrderCancelled', eventData: cancelOrder(state, command.input) }];
      case 'CorrectItemPrice':
        return [{ eventType: 'OrderItemPriceCorrected', eventData: correctItemPrice(state, command.input) }];
    }
  },
};
