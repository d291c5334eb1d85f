import { type Decider, defineDecider } from '../../src/index';
import type { BankAccountEvent, BankAccountState } from './bank-account';

/** The commands of the functional bank account; the same rules as the `BankAccount` class. */
export type BankAccountCommand =
  | { type: 'Open'; owner: string; overdraftLimitCents?: number }
  | { type: 'Deposit'; amountCents: number; currency?: string }
  | { type: 'Withdraw'; amountCents: number }
  | { type: 'Close'; reason: string };

/** A rule said no. */
export class AccountRuleError extends Error {
  override readonly name = 'AccountRuleError';
}

/** The `BankAccount` aggregate as a decider: the events are shared, so are the upcasters. */
export const bankAccountDecider: Decider<BankAccountState, BankAccountCommand, BankAccountEvent> =
  defineDecider({
    name: 'BankAccount',
    initialState: (): BankAccountState => ({
      owner: '',
      balanceCents: 0,
      overdraftLimitCents: 0,
      deposits: 0,
      closed: false,
      lastActivity: null,
    }),
    eventSchemaVersions: { AccountOpened: 2, MoneyDeposited: 3, MoneyWithdrawn: 2 },
    evolve: {
      AccountOpened: (state, { owner, overdraftLimitCents }, event) => ({
        ...state,
        owner,
        overdraftLimitCents,
        lastActivity: event.occurredAt.toISOString(),
      }),
      MoneyDeposited: (state, { amountCents }, event) => ({
        ...state,
        balanceCents: state.balanceCents + amountCents,
        deposits: state.deposits + 1,
        lastActivity: event.occurredAt.toISOString(),
      }),
      MoneyWithdrawn: (state, { amountCents }, event) => ({
        ...state,
        balanceCents: state.balanceCents - amountCents,
        lastActivity: event.occurredAt.toISOString(),
      }),
      AccountClosed: (state) => ({ ...state, closed: true }),
    },
    decide: (command: BankAccountCommand, state: BankAccountState): BankAccountEvent[] => {
      if (command.type === 'Open') {
        if (state.owner !== '') throw new AccountRuleError('already open');
        return [
          {
            eventType: 'AccountOpened',
            eventData: { owner: command.owner, overdraftLimitCents: command.overdraftLimitCents ?? 0 },
          },
        ];
      }
      if (state.owner === '') throw new AccountRuleError('no such account');
      if (state.closed) throw new AccountRuleError('account closed');
      switch (command.type) {
        case 'Deposit':
          if (command.amountCents <= 0) throw new AccountRuleError('amount must be positive');
          return [
            {
              eventType: 'MoneyDeposited',
              eventData: { amountCents: command.amountCents, currency: command.currency ?? 'USD' },
            },
          ];
        case 'Withdraw':
          if (command.amountCents > state.balanceCents + state.overdraftLimitCents) {
            throw new AccountRuleError('insufficient funds');
          }
          return [{ eventType: 'MoneyWithdrawn', eventData: { amountCents: command.amountCents } }];
        case 'Close':
          // Closing a closed account is caught above; closing twice in one go is not possible.
          return [{ eventType: 'AccountClosed', eventData: { reason: command.reason } }];
      }
    },
  });
