import { OrderError } from './order-errors';
import type { OrderCreatedData, OrderLine, OrderState } from './order-events';
import { assertOrderLine, assertText } from './order-rules';

/** What `Order.create()` takes. */
export interface CreateOrderInput {
  readonly customerId: string;
  readonly items: readonly OrderLine[];
}

/**
 * Decides whether an order can be created and returns the `OrderCreated` data. Every rule is checked
 * before anything happens, so a refused command leaves no trace.
 *
 * @throws OrderError `ORDER_ALREADY_EXISTS`, `INVALID_CUSTOMER`, `NO_ITEMS`, `INVALID_ITEM`,
 *   `DUPLICATE_PRODUCT` or `CURRENCY_MISMATCH`
 */
export function createOrder(state: OrderState, input: CreateOrderInput): OrderCreatedData {
  if (state.status !== 'none') throw new OrderError('ORDER_ALREADY_EXISTS', 'the order exists already');
  assertText(input.customerId, 'customerId', 'INVALID_CUSTOMER');
  if (!Array.isArray(input.items) || input.items.length === 0) {
    throw new OrderError('NO_ITEMS', 'an order is created with at least one item');
  }
  input.items.forEach((line, i) => {
    assertOrderLine(line, `items[${i}]`);
  });
  const seen = new Set<string>();
  for (const line of input.items) {
    if (seen.has(line.productId)) {
      throw new OrderError('DUPLICATE_PRODUCT', `product ${line.productId} is listed twice`);
    }
    seen.add(line.productId);
  }
  const currency = input.items[0]!.currency;
  if (input.items.some((line) => line.currency !== currency)) {
    throw new OrderError('CURRENCY_MISMATCH', 'all items of an order must be in one currency');
  }
  // Copy exactly the fields of the event: extra properties on the input must not leak into history.
  return {
    customerId: input.customerId,
    items: input.items.map(({ productId, quantity, pricePerUnit, currency }) => ({
      productId,
      quantity,
      pricePerUnit,
      currency,
    })),
  };
}

/**
 * The state after `OrderCreated`: a draft with the given items. Pure: it returns a new state and
 * shares no objects with the event, so nobody can change history by changing the state.
 */
export function whenOrderCreated(state: OrderState, data: OrderCreatedData): OrderState {
  return {
    ...state,
    status: 'draft',
    customerId: data.customerId,
    currency: data.items[0]?.currency ?? null,
    items: data.items.map((line) => ({ ...line })),
  };
}
