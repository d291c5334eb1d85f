import { OrderError } from './order-errors';
import type { OrderItemPriceCorrectedData, OrderState } from './order-events';
import { assertText } from './order-rules';

/** What `Order.correctItemPrice()` takes. */
export interface CorrectItemPriceInput {
  readonly productId: string;
  readonly correctedPricePerUnit: number;
  readonly reason: string;
  readonly correctedBy: string;
}

/**
 * A price was recorded wrongly ("99.99, not 999.99"). History is not edited — the wrong event stays,
 * exactly as it was, for audits and for every projection built from it. Instead a compensating
 * event records the correction: the previous and corrected price, the effect on the total, why, and
 * who. A confirmed order can be corrected too: `totalAdjustment` is then what to refund (negative)
 * or charge.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `ALREADY_CANCELLED`, `UNKNOWN_PRODUCT`, `INVALID_ITEM`,
 *   `NOTHING_TO_CORRECT` or `INVALID_INPUT`
 */
export function correctItemPrice(
  state: OrderState,
  input: CorrectItemPriceInput,
): OrderItemPriceCorrectedData {
  if (state.status === 'none') throw new OrderError('ORDER_NOT_FOUND', 'the order does not exist');
  if (state.status === 'cancelled')
    throw new OrderError('ALREADY_CANCELLED', 'a cancelled order is not corrected');
  const line = state.items.find((l) => l.productId === input.productId);
  if (line === undefined) throw new OrderError('UNKNOWN_PRODUCT', `${input.productId} is not in the order`);
  if (!Number.isSafeInteger(input.correctedPricePerUnit) || input.correctedPricePerUnit < 0) {
    throw new OrderError('INVALID_ITEM', 'correctedPricePerUnit must be an integer of cents >= 0');
  }
  if (input.correctedPricePerUnit === line.pricePerUnit) {
    throw new OrderError('NOTHING_TO_CORRECT', `${input.productId} already costs ${line.pricePerUnit}`);
  }
  assertText(input.reason, 'reason', 'INVALID_INPUT');
  assertText(input.correctedBy, 'correctedBy', 'INVALID_INPUT');
  return {
    productId: line.productId,
    previousPricePerUnit: line.pricePerUnit,
    correctedPricePerUnit: input.correctedPricePerUnit,
    totalAdjustment: (input.correctedPricePerUnit - line.pricePerUnit) * line.quantity,
    reason: input.reason,
    correctedBy: input.correctedBy,
  };
}

/** The state after `OrderItemPriceCorrected`: the new price, and a confirmed total adjusted to match. */
export function whenItemPriceCorrected(state: OrderState, data: OrderItemPriceCorrectedData): OrderState {
  return {
    ...state,
    items: state.items.map((line) =>
      line.productId === data.productId ? { ...line, pricePerUnit: data.correctedPricePerUnit } : line,
    ),
    confirmedTotal: state.confirmedTotal === null ? null : state.confirmedTotal + data.totalAdjustment,
  };
}
