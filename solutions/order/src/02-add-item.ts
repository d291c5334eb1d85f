import { OrderError } from './order-errors';
import type { OrderLine, OrderState } from './order-events';
import { assertOrderLine } from './order-rules';

/**
 * Decides whether a line can be added and returns the `OrderItemAdded` data: only to a draft order,
 * in the order's currency, and — for a product already ordered — at the same price (a different
 * price is a mistake to correct, not a second line).
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `NOT_DRAFT`, `INVALID_ITEM`, `CURRENCY_MISMATCH` or `PRICE_MISMATCH`
 */
export function addItem(state: OrderState, item: OrderLine): OrderLine {
  if (state.status === 'none') throw new OrderError('ORDER_NOT_FOUND', 'the order does not exist');
  if (state.status !== 'draft') {
    throw new OrderError(
      'NOT_DRAFT',
      `items can only be added to a draft order; this one is ${state.status}`,
    );
  }
  assertOrderLine(item);
  if (item.currency !== state.currency) {
    throw new OrderError(
      'CURRENCY_MISMATCH',
      `the order is in ${state.currency}, the item in ${item.currency}`,
    );
  }
  const existing = state.items.find((line) => line.productId === item.productId);
  if (existing !== undefined && existing.pricePerUnit !== item.pricePerUnit) {
    throw new OrderError(
      'PRICE_MISMATCH',
      `${item.productId} is already ordered at ${existing.pricePerUnit}, not ${item.pricePerUnit}`,
    );
  }
  const { productId, quantity, pricePerUnit, currency } = item;
  return { productId, quantity, pricePerUnit, currency };
}

/** The state after `OrderItemAdded`: more of a product already ordered, or a new line. */
export function whenItemAdded(state: OrderState, data: OrderLine): OrderState {
  const exists = state.items.some((line) => line.productId === data.productId);
  return {
    ...state,
    items: exists
      ? state.items.map((line) =>
          line.productId === data.productId ? { ...line, quantity: line.quantity + data.quantity } : line,
        )
      : [...state.items, { ...data }],
  };
}
