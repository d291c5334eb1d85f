import {
  type CommandResult,
  type EventStore,
  type HandleCommandOptions,
  handleCommand,
} from '@chronicle/core';
import { orderDecider } from './08-order-decider';
import type { OrderEvent, OrderLine, OrderState } from './order-events';

/**
 * Step 04's `addItemWithRetry`, the functional way: one call to `handleCommand`, which loads the
 * order inside each attempt, decides with `orderDecider`, appends expecting the loaded version, and
 * on a conflict reloads and decides again (a rule error is never retried).
 *
 * @param options - the retry policy (`retry`) and the request's metadata (`userId`, `correlationId`…)
 * @throws ConcurrencyError when every attempt conflicted
 * @throws OrderError when a rule refuses the item
 *
 * @example `await addItemByCommand(store, 'order-1', line, { retry: { maxAttempts: 5 }, userId: 'u-1' });`
 */
export function addItemByCommand(
  store: EventStore,
  orderId: string,
  item: OrderLine,
  options: HandleCommandOptions = {},
): Promise<CommandResult<OrderState, OrderEvent>> {
  const stream = { aggregateType: 'Order', aggregateId: orderId };
  return handleCommand(store, stream, orderDecider, { type: 'AddItem', item }, options);
}
