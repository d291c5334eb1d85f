import { type Repository, type RetryOptions, withRetry } from '@chronicle/core';
import type { Order } from './order';
import type { OrderLine } from './order-events';

/**
 * Adds an item, retrying with exponential backoff when another writer changed the order between
 * our load and our save. The load is INSIDE the retried function: each attempt starts from the
 * stream as it is now, so the other writer's change is kept, not overwritten, and our rules are
 * checked again against it (the order may have been confirmed meanwhile: then `NOT_DRAFT`, at once,
 * without further retries).
 *
 * @param retry - passed to `withRetry` (default: 3 attempts in all, 50 ms base delay, full jitter)
 * @throws ConcurrencyError when every attempt conflicted
 * @throws OrderError when a rule refuses the item (never retried)
 *
 * @example
 * ```ts
 * await addItemWithRetry(orders, 'order-1', line, { maxAttempts: 5 });
 * ```
 */
export async function addItemWithRetry(
  orders: Repository<Order>,
  orderId: string,
  item: OrderLine,
  retry: RetryOptions = {},
): Promise<Order> {
  return withRetry(async () => {
    const order = await orders.get(orderId);
    order.addItem(item);
    await orders.save(order);
    return order;
  }, retry);
}
