import { OrderError } from './order-errors';
import {
  type OrderCancelledData,
  type OrderConfirmedData,
  type OrderState,
  orderTotal,
} from './order-events';
import { assertText } from './order-rules';

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
 * Confirms a draft order. The event records the total at confirmation time: later readers (an
 * invoice, a projection) must not recompute it from prices that may have been corrected since.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `NOT_DRAFT` (already confirmed, or cancelled) or `INVALID_INPUT`
 */
export function confirmOrder(state: OrderState, input: ConfirmOrderInput): OrderConfirmedData {
  if (state.status === 'none') throw new OrderError('ORDER_NOT_FOUND', 'the order does not exist');
  if (state.status !== 'draft') {
    throw new OrderError('NOT_DRAFT', `only a draft order can be confirmed; this one is ${state.status}`);
  }
  assertText(input.confirmedBy, 'confirmedBy', 'INVALID_INPUT');
  assertText(input.paymentMethod, 'paymentMethod', 'INVALID_INPUT');
  return {
    confirmedBy: input.confirmedBy,
    paymentMethod: input.paymentMethod,
    totalAmount: orderTotal(state),
    currency: state.currency!,
  };
}

/**
 * Cancels a draft or confirmed order; a confirmed one is refunded what was charged.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `ALREADY_CANCELLED` or `INVALID_INPUT`
 */
export function cancelOrder(state: OrderState, input: CancelOrderInput): OrderCancelledData {
  if (state.status === 'none') throw new OrderError('ORDER_NOT_FOUND', 'the order does not exist');
  if (state.status === 'cancelled')
    throw new OrderError('ALREADY_CANCELLED', 'the order is already cancelled');
  assertText(input.reason, 'reason', 'INVALID_INPUT');
  assertText(input.cancelledBy, 'cancelledBy', 'INVALID_INPUT');
  return {
    reason: input.reason,
    cancelledBy: input.cancelledBy,
    refundAmount: state.status === 'confirmed' ? (state.confirmedTotal ?? 0) : 0,
  };
}

/** The state after `OrderConfirmed`. */
export function whenOrderConfirmed(state: OrderState, data: OrderConfirmedData): OrderState {
  return { ...state, status: 'confirmed', confirmedTotal: data.totalAmount };
}

/** The state after `OrderCancelled`. */
export function whenOrderCancelled(state: OrderState, _data: OrderCancelledData): OrderState {
  return { ...state, status: 'cancelled' };
}
