import { defineProjection } from '@chronicle/core';
import type { AccountEvent, Balance } from './read-model-events';

/**
 * The account balances, as an **inline** projection: registered on the store
 * (`inlineProjections: [accountBalances]`), it runs inside every append's transaction, so a balance
 * is up to date the moment `append` returns — and a handler that throws rolls the append back.
 */
export const accountBalances = defineProjection<AccountEvent>({
  name: 'account_balances',
  version: 1,
  handlers: {
    AccountOpened: (event, { documents }) =>
      documents<Balance>('balances').put(event.aggregateId, { owner: event.eventData.owner, balance: 0 }),
    MoneyDeposited: async (event, { documents }) => {
      const balances = documents<Balance>('balances');
      const current = await balances.get(event.aggregateId);
      if (current === undefined) throw new Error(`deposit to ${event.aggregateId}, an account never opened`);
      await balances.patch(event.aggregateId, { balance: current.balance + event.eventData.amount });
    },
    MoneyWithdrawn: async (event, { documents }) => {
      const balances = documents<Balance>('balances');
      const current = await balances.get(event.aggregateId);
      if (current === undefined)
        throw new Error(`withdrawal from ${event.aggregateId}, an account never opened`);
      await balances.patch(event.aggregateId, { balance: current.balance - event.eventData.amount });
    },
  },
});
