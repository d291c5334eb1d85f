import type { AggregateEvent } from '@chronicle/core';

/**
 * Everything that can happen to a bank account, in the past tense. Amounts are integer cents
 * (`2500` is 25.00): floating-point money drifts (`0.1 + 0.2 !== 0.3`).
 */
export type BankAccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string }>
  | AggregateEvent<'MoneyDeposited', { amount: number }>
  | AggregateEvent<'MoneyWithdrawn', { amount: number }>;

/** A bank account's state: what the events add up to, and what a snapshot keeps. */
export interface BankAccountState {
  /** Who owns it; `null` until `AccountOpened`. */
  owner: string | null;
  /** The balance in integer cents. */
  balance: number;
}

/** The state of an account that has no events yet. */
export const INITIAL_BANK_ACCOUNT_STATE: Readonly<BankAccountState> = Object.freeze({
  owner: null,
  balance: 0,
});
