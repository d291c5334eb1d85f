import type { CommandResult, EventStore, HandleCommandOptions } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { OrderEvent, OrderLine, OrderState } from './order-events';

// TODO: you will need handleCommand from '@chronicle/core' and your orderDecider (./08-order-decider).

/**
 * Step 04's `addItemWithRetry`, the functional way: one call to `handleCommand`, which loads the
 * order inside each attempt, decides with `orderDecider`, appends expecting the loaded version, and
 * on a conflict reloads and decides again (a rule error is never retried).
 *
 * @param options - the retry policy (`retry`) and the request's metadata (`userId`, `correlationId`…)
 * @throws ConcurrencyError when every attempt conflicted
 * @throws OrderError when a rule refuses the item
 */
export function addItemByCommand(
  store: EventStore,
  orderId: string,
  item: OrderLine,
  options: HandleCommandOptions = {},
): Promise<CommandResult<OrderState, OrderEvent>> {
  // TODO: the order's stream is { aggregateType: 'Order', aggregateId: orderId }; the command is
  //       { type: 'AddItem', item }; pass `options` on as they are (retry policy and metadata).
  void [store, orderId, item, options];
  throw new NotImplementedError('09-command-handler', 'run the AddItem command with handleCommand()');
}
