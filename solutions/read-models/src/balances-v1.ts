import { defineProjection } from '@chronicle/core';
import type { AccountEvent, Balance } from './read-model-events';

/**
 * Version 1 of the balances projection, as it ran in production for months — with a bug: a
 * withdrawal is **added** to the balance. Its documents are wrong for every account that ever
 * withdrew. This file is given: step 03 fixes it with version 2 and a rebuild.
 */
export const balancesV1 = defineProjection<AccountEvent>({
  name: 'account_balances',
  version: 1,
  handlers: {
    AccountOpened: (event, { documents }) =>
      documents<Balance>('balances').put(event.aggregateId, { owner: event.eventData.owner, balance: 0 }),
    MoneyDeposited: async (event, { documents }) => {
      const balances = documents<Balance>('balances');
      const current = await balances.get(event.aggregateId);
      await balances.patch(event.aggregateId, { balance: (current?.balance ?? 0) + event.eventData.amount });
    },
    MoneyWithdrawn: async (event, { documents }) => {
      const balances = documents<Balance>('balances');
      const current = await balances.get(event.aggregateId);
      // The bug: + instead of -.
      await balances.patch(event.aggregateId, { balance: (current?.balance ?? 0) + event.eventData.amount });
    },
  },
});
