import { NotImplementedError } from './not-implemented-error';
import type { OrderCreatedData, OrderLine, OrderState } from './order-events';

// TODO: you will need OrderError (./order-errors) and the checks in ./order-rules
//       (assertText, assertOrderLine); orderTotal is in ./order-events.

/** What `Order.create()` takes. */
export interface CreateOrderInput {
  readonly customerId: string;
  readonly items: readonly OrderLine[];
}

/**
 * Decides whether an order can be created and returns the `OrderCreated` data.
 *
 * @throws OrderError `ORDER_ALREADY_EXISTS`, `INVALID_CUSTOMER`, `NO_ITEMS`, `INVALID_ITEM`,
 *   `DUPLICATE_PRODUCT` or `CURRENCY_MISMATCH`
 */
export function createOrder(state: OrderState, input: CreateOrderInput): OrderCreatedData {
  // TODO: check every rule BEFORE returning anything (throw new OrderError(code, message)):
  //   - the order must not exist yet (state.status is 'none')
  //   - a non-blank customerId; at least one item; each item valid (see order-rules.ts)
  //   - each product at most once; all items in one currency
  // TODO: return { customerId, items } holding only the fields of an OrderLine: whatever else the
  //       caller put on the input must not end up in history.
  void [state, input];
  throw new NotImplementedError('01-create-order', 'decide OrderCreated in createOrder()');
}

/** The state after `OrderCreated`: a draft with the given items. Returns a new state. */
export function whenOrderCreated(state: OrderState, data: OrderCreatedData): OrderState {
  // TODO: a new state: status 'draft', the customer, the currency of the items, and COPIES of the
  //       items (the state must share no objects with the event or the caller's input).
  void [state, data];
  throw new NotImplementedError('01-create-order', 'apply OrderCreated in whenOrderCreated()');
}
