import { OrderError } from './order-errors';
import type { OrderLine } from './order-events';

/** Throws `OrderError(code)` unless `value` is a non-blank string. */
export function assertText(value: unknown, field: string, code: 'INVALID_CUSTOMER' | 'INVALID_INPUT'): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OrderError(code, `${field} must be a non-blank string`);
  }
}

/**
 * Throws `OrderError('INVALID_ITEM')` unless the line has a non-blank product id, a positive integer
 * quantity, a non-negative integer price in cents and a three-letter upper-case currency.
 */
export function assertOrderLine(line: OrderLine, at = 'item'): void {
  const problems: string[] = [];
  if (typeof line?.productId !== 'string' || line.productId.trim() === '')
    problems.push('productId is blank');
  if (!Number.isSafeInteger(line?.quantity) || line.quantity <= 0)
    problems.push('quantity must be an integer > 0');
  if (!Number.isSafeInteger(line?.pricePerUnit) || line.pricePerUnit < 0) {
    problems.push('pricePerUnit must be an integer of cents >= 0');
  }
  if (typeof line?.currency !== 'string' || !/^[A-Z]{3}$/.test(line.currency)) {
    problems.push('currency must be three upper-case letters, e.g. EUR');
  }
  if (problems.length > 0) throw new OrderError('INVALID_ITEM', `${at}: ${problems.join('; ')}`);
}
