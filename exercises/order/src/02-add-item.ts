import { NotImplementedError } from './not-implemented-error';
import type { OrderLine, OrderState } from './order-events';

// TODO: you will need OrderError (./order-errors) and the checks in ./order-rules
//       (assertText, assertOrderLine); orderTotal is in ./order-events.

/**
 * Decides whether a line can be added and returns the `OrderItemAdded` data.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `NOT_DRAFT`, `INVALID_ITEM`, `CURRENCY_MISMATCH` or `PRICE_MISMATCH`
 */
export function addItem(state: OrderState, item: OrderLine): OrderLine {
  // TODO: the order must exist ('none' → ORDER_NOT_FOUND) and be a draft (else NOT_DRAFT).
  // TODO: the item must be valid, in the order's currency, and — for a product already in the
  //       order — at the same price as before.
  void [state, item];
  throw new NotImplementedError('02-add-items', 'decide OrderItemAdded in addItem()');
}

/** The state after `OrderItemAdded`: more of a product already ordered, or a new line. */
export function whenItemAdded(state: OrderState, data: OrderLine): OrderState {
  // TODO: return a new state (don't change `state.items` in place).
  void [state, data];
  throw new NotImplementedError('02-add-items', 'apply OrderItemAdded in whenItemAdded()');
}
