import type { Decider } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { OrderCommand } from './order-commands';
import { initialOrderState, type OrderEvent, type OrderState } from './order-events';

// TODO: you will need the decision and `when…` functions of your earlier steps: createOrder and
//       whenOrderCreated (./01-create-order), addItem and whenItemAdded (./02-add-item),
//       confirmOrder, cancelOrder, whenOrderConfirmed, whenOrderCancelled (./03-confirm-cancel),
//       correctItemPrice and whenItemPriceCorrected (./07-compensate).

const todo = (what: string) => (): never => {
  throw new NotImplementedError('08-order-decider', what);
};

/**
 * The order as a decider: the very rules of steps 01–03 and 07, routed by command type instead of
 * by method. `handleCommand(store, stream, orderDecider, command)` loads, decides, appends and
 * retries; the stream it writes is the one `Repository<Order>` reads.
 */
export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  name: 'Order',
  initialState: initialOrderState,
  // TODO: stamp OrderCreated at schema version 2, as the Order class does (eventSchemaVersions).
  evolve: {
    // TODO: each `when…` function of your steps already is an evolver: (state, data) => state.
    OrderCreated: todo('evolve OrderCreated in orderDecider.evolve'),
    OrderItemAdded: todo('evolve OrderItemAdded in orderDecider.evolve'),
    OrderConfirmed: todo('evolve OrderConfirmed in orderDecider.evolve'),
    OrderCancelled: todo('evolve OrderCancelled in orderDecider.evolve'),
    OrderItemPriceCorrected: todo('evolve OrderItemPriceCorrected in orderDecider.evolve'),
  },
  decide: (command, state) => {
    // TODO: switch on command.type; each case asks its step's decision function for the event's
    //       data and returns it as a one-event array: [{ eventType: 'OrderCreated', eventData }].
    void [command, state];
    throw new NotImplementedError(
      '08-order-decider',
      'route each command to its rule in orderDecider.decide',
    );
  },
};
