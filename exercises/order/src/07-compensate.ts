import { NotImplementedError } from './not-implemented-error';
import type { OrderItemPriceCorrectedData, OrderState } from './order-events';

// TODO: you will need OrderError (./order-errors) and the checks in ./order-rules
//       (assertText, assertOrderLine); orderTotal is in ./order-events.

/** What `Order.correctItemPrice()` takes. */
export interface CorrectItemPriceInput {
  readonly productId: string;
  readonly correctedPricePerUnit: number;
  readonly reason: string;
  readonly correctedBy: string;
}

/**
 * A price was recorded wrongly. Decide the compensating `OrderItemPriceCorrected` event.
 *
 * @throws OrderError `ORDER_NOT_FOUND`, `ALREADY_CANCELLED`, `UNKNOWN_PRODUCT`, `INVALID_ITEM`,
 *   `NOTHING_TO_CORRECT` or `INVALID_INPUT`
 */
export function correctItemPrice(
  state: OrderState,
  input: CorrectItemPriceInput,
): OrderItemPriceCorrectedData {
  // TODO: an existing, not cancelled order; a product that is in it; a valid new price that differs
  //       from the current one; a reason and who corrects it.
  // TODO: record the previous and the corrected price, and totalAdjustment: what the total changes by.
  void [state, input];
  throw new NotImplementedError('07-compensate', 'decide OrderItemPriceCorrected in correctItemPrice()');
}

/** The state after `OrderItemPriceCorrected`. */
export function whenItemPriceCorrected(state: OrderState, data: OrderItemPriceCorrectedData): OrderState {
  // TODO: the line's new price; and if the order was confirmed, adjust confirmedTotal as well.
  void [state, data];
  throw new NotImplementedError('07-compensate', 'apply OrderItemPriceCorrected in whenItemPriceCorrected()');
}
