import type { AggregateEvent } from '@chronicle/core';

/**
 * One line of an order: a product, how many, at what price. Prices are integer cents in a
 * three-letter currency (`{ pricePerUnit: 4999, currency: 'EUR' }` is 49.99 EUR).
 */
export interface OrderLine {
  productId: string;
  quantity: number;
  pricePerUnit: number;
  currency: string;
}

/** `OrderCreated` as stored today (schema version 2): the lesson's V2, with prices. */
export interface OrderCreatedData {
  customerId: string;
  items: OrderLine[];
}

/** `OrderCreated` as the first release stored it (schema version 1): no prices yet. */
export interface OrderCreatedV1Data {
  customerId: string;
  items: { productId: string; quantity: number }[];
}

/** `OrderConfirmed`: who confirmed, how it is paid, and the amount charged. */
export interface OrderConfirmedData {
  confirmedBy: string;
  paymentMethod: string;
  totalAmount: number;
  currency: string;
}

/** `OrderCancelled`: why, by whom, and how much goes back to the customer (0 when nothing was paid). */
export interface OrderCancelledData {
  reason: string;
  cancelledBy: string;
  refundAmount: number;
}

/**
 * `OrderItemPriceCorrected`: the compensating event for a price recorded wrongly. The wrong event
 * stays in history; this one says what was wrong, what is right, and why.
 */
export interface OrderItemPriceCorrectedData {
  productId: string;
  previousPricePerUnit: number;
  correctedPricePerUnit: number;
  /** What the correction changes in the order's total: negative when the customer paid too much. */
  totalAdjustment: number;
  reason: string;
  correctedBy: string;
}

/** Everything that can happen to an order. */
export type OrderEvent =
  | AggregateEvent<'OrderCreated', OrderCreatedData>
  | AggregateEvent<'OrderItemAdded', OrderLine>
  | AggregateEvent<'OrderConfirmed', OrderConfirmedData>
  | AggregateEvent<'OrderCancelled', OrderCancelledData>
  | AggregateEvent<'OrderItemPriceCorrected', OrderItemPriceCorrectedData>;

/** `'none'` before `OrderCreated`; then `'draft'`, and finally `'confirmed'` or `'cancelled'`. */
export type OrderStatus = 'none' | 'draft' | 'confirmed' | 'cancelled';

/** What an order's events add up to. Plain JSON, so it can be snapshotted as it is. */
export interface OrderState {
  status: OrderStatus;
  customerId: string | null;
  /** The order's one currency, set by `OrderCreated`. */
  currency: string | null;
  items: OrderLine[];
  /** The amount charged at confirmation (adjusted by later price corrections); `null` before. */
  confirmedTotal: number | null;
}

/** The state of an order that has no events yet. */
export function initialOrderState(): OrderState {
  return { status: 'none', customerId: null, currency: null, items: [], confirmedTotal: null };
}

/** The sum of quantity × price over the order's lines, in cents. */
export function orderTotal(state: Pick<OrderState, 'items'>): number {
  return state.items.reduce((sum, line) => sum + line.quantity * line.pricePerUnit, 0);
}
