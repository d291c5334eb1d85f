import {
  defineProjection,
  type ProjectableEventStore,
  type RebuildProgress,
  type RebuildResult,
  rebuildProjection,
} from '@chronicle/core';
import { accountBalances } from './01-account-balances';
import type { AccountEvent } from './read-model-events';

/**
 * Version 2 of the balances projection (`balancesV1` in `balances-v1.ts` adds withdrawals): the
 * same name, the next version, handlers that subtract a withdrawal.
 */
export const balancesV2 = defineProjection<AccountEvent>({
  name: 'account_balances',
  version: 2,
  // Step 01's handlers are the right ones.
  handlers: accountBalances.handlers,
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
  return rebuildProjection(store, balancesV2, { onProgress, batchSize: 2 });
}
