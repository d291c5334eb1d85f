import { defineProjection } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { AccountEvent } from './read-model-events';

const todo = (what: string): never => {
  throw new NotImplementedError('01-account-balances', what);
};

/**
 * The account balances, as an **inline** projection: registered on the store
 * (`inlineProjections: [accountBalances]`), it runs inside every append's transaction, so a balance
 * is up to date the moment `append` returns — and a handler that throws rolls the append back.
 */
export const accountBalances = defineProjection<AccountEvent>({
  name: 'account_balances',
  version: 1,
  handlers: {
    // TODO: documents<Balance>('balances') is the collection; the account id is event.aggregateId.
    AccountOpened: () => todo('put { owner, balance: 0 } for a new account'),
    MoneyDeposited: () => todo('add the amount to the balance (throw when the account is unknown)'),
    MoneyWithdrawn: () => todo('subtract the amount from the balance (throw when the account is unknown)'),
  },
});
