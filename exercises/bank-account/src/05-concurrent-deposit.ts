import type { EventStore } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';

/** How one writer's deposit ended. */
export type DepositOutcome =
  | { readonly outcome: 'saved'; readonly version: number }
  | { readonly outcome: 'conflict'; readonly expectedVersion: number; readonly actualVersion: number };

/**
 * One writer's deposit, with a pause between loading and saving (`afterLoad`) where another writer
 * can get in first. A conflict is reported as `{ outcome: 'conflict', … }`, not thrown.
 *
 * @param afterLoad - awaited after the load, before the deposit is decided and saved
 */
export async function depositOnce(
  store: EventStore,
  accountId: string,
  amount: number,
  afterLoad: () => Promise<void>,
): Promise<DepositOutcome> {
  // TODO: load the account through your repository from step 04, then `await afterLoad()`.
  // TODO: deposit and save. The tests run two of these at once — in two processes, or on two
  //       connections — and release them together once both have loaded.
  // TODO: the writer that loses gets a ConcurrencyError from save(): turn it into
  //       { outcome: 'conflict', expectedVersion, actualVersion }. Let any other error through.
  void [store, accountId, amount, afterLoad];
  throw new NotImplementedError('05-concurrency', 'implement depositOnce()');
}
