import { NotImplementedError } from './not-implemented-error';
import type { OrderCancelledData, OrderConfirmedData, OrderState } from './order-events';

// TODO: you will need OrderError (./order-errors) and the checks in ./order-rules
//       (assertText, assertOrderLine); orderTotal is in ./order-events.

/** What `Order.confirm()` takes. */
export interface ConfirmOrderInput {
  readonly confirmedBy: string;
  readonly paymentMethod: string;
}

/** What `Order.cancel()` takes. */
export interface CancelOrderInput {
  readonly reason: string;
  readonly cancelledBy: string;
}

/**
 * Confirms a draft order; the event records the total charged.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `NOT_DRAFT` (already confirmed, or cancelled) or `INVALID_INPUT`
 */
export function confirmOrder(state: OrderState, input: ConfirmOrderInput): OrderConfirmedData {
  // TODO: only a draft can be confirmed; confirmedBy and paymentMethod must not be blank.
  // TODO: record totalAmount (orderTotal() in order-events.ts) and the order's currency.
  void [state, input];
  throw new NotImplementedError('03-confirm-cancel', 'decide OrderConfirmed in confirmOrder()');
}

/**
 * Cancels a draft or confirmed order; a confirmed one is refunded what was charged.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `ALREADY_CANCELLED` or `INVALID_INPUT`
 */
export function cancelOrder(state: OrderState, input: CancelOrderInput): OrderCancelledData {
  // TODO: an existing order that is not cancelled yet; a reason and who cancelled it.
  // TODO: refundAmount: what was charged when the order was confirmed, 0 for a draft.
  void [state, input];
  throw new NotImplementedError('03-confirm-cancel', 'decide OrderCancelled in cancelOrder()');
}

/** The state after `OrderConfirmed`. */
export function whenOrderConfirmed(state: OrderState, data: OrderConfirmedData): OrderState {
  // TODO: status 'confirmed', and remember the total charged in confirmedTotal.
  void [state, data];
  throw new NotImplementedError('03-confirm-cancel', 'apply OrderConfirmed in whenOrderConfirmed()');
}

/** The state after `OrderCancelled`. */
export function whenOrderCancelled(state: OrderState, data: OrderCancelledData): OrderState {
  // TODO: status 'cancelled'.
  void [state, data];
  throw new NotImplementedError('03-confirm-cancel', 'apply OrderCancelled in whenOrderCancelled()');
}
