/** Why an order command was refused. */
export type OrderErrorCode =
  | 'ORDER_ALREADY_EXISTS'
  | 'ORDER_NOT_FOUND'
  | 'NOT_DRAFT'
  | 'ALREADY_CANCELLED'
  | 'INVALID_CUSTOMER'
  | 'INVALID_INPUT'
  | 'NO_ITEMS'
  | 'INVALID_ITEM'
  | 'DUPLICATE_PRODUCT'
  | 'CURRENCY_MISMATCH'
  | 'PRICE_MISMATCH'
  | 'UNKNOWN_PRODUCT'
  | 'NOTHING_TO_CORRECT';

/**
 * An order command broke a rule. Nothing happened: no event was raised.
 *
 * @example `throw new OrderError('NOT_DRAFT', 'items can only be added to a draft order');`
 */
export class OrderError extends Error {
  /** Which rule, for code that reacts to it. */
  readonly code: OrderErrorCode;

  constructor(code: OrderErrorCode, message: string) {
    super(message);
    this.name = 'OrderError';
    this.code = code;
  }
}
