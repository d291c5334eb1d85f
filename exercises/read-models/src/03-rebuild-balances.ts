import type { ProjectableEventStore } from '@chronicle/core';
import { defineProjection, type RebuildProgress, type RebuildResult } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { AccountEvent } from './read-model-events';

const todo = (what: string): never => {
  throw new NotImplementedError('03-rebuild-balances', what);
};

/**
 * Version 2 of the balances projection (`balancesV1` in `balances-v1.ts` adds withdrawals): the
 * same name, the next version, handlers that subtract a withdrawal.
 */
export const balancesV2 = defineProjection<AccountEvent>({
  name: 'account_balances',
  version: 2,
  handlers: {
    // TODO: the handlers of your step 01 are right (accountBalances.handlers); so is writing them again.
    AccountOpened: () => todo('the same as version 1'),
    MoneyDeposited: () => todo('the same as version 1'),
    MoneyWithdrawn: () => todo('subtract the amount'),
  },
});

/**
 * Rebuilds the balances as version 2 from the start of the log, side by side with version 1 (which
 * keeps serving reads until the switch), reporting progress after every batch; the old version's
 * documents are dropped after the switch.
 */
export function rebuildBalances(
  store: ProjectableEventStore,
  onProgress: (progress: RebuildProgress) => void,
): Promise<RebuildResult> {
  // TODO: rebuildProjection from '@chronicle/core'; batches of 2, so the tests see it in progress.
  void [store, onProgress];
  throw new NotImplementedError('03-rebuild-balances', 'rebuild with rebuildProjection()');
}
