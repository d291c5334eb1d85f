import type { Repository, RetryOptions } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { Order } from './order';
import type { OrderLine } from './order-events';

/**
 * Adds an item, retrying with exponential backoff when another writer changed the order between
 * our load and our save.
 *
 * @param retry - passed to `withRetry` from @chronicle/core
 * @throws ConcurrencyError when every attempt conflicted
 * @throws OrderError when a rule refuses the item (never retried)
 */
export async function addItemWithRetry(
  orders: Repository<Order>,
  orderId: string,
  item: OrderLine,
  retry: RetryOptions = {},
): Promise<Order> {
  // TODO: load the order, add the item, save it — and run all of that through withRetry(…, retry).
  // TODO: which of those steps must be repeated on every attempt? (A retry that saves the same
  //       stale order conflicts forever.)
  // TODO: return the order that was saved.
  void [orders, orderId, item, retry];
  throw new NotImplementedError('04-retry', 'implement addItemWithRetry()');
}
