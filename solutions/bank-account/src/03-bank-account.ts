import { AggregateRoot, type EventHandlers } from '@chronicle/core';
import { BankAccountError, InsufficientFundsError } from './bank-account-errors';
import {
  type BankAccountEvent,
  type BankAccountState,
  INITIAL_BANK_ACCOUNT_STATE,
} from './bank-account-events';

/**
 * An event-sourced bank account. Commands (`open`, `deposit`, `withdraw`) check the rules against
 * the current state and then `raise()` an event; only the handlers change state. That split is what
 * makes replay work: loading applies the stored events through the same handlers and arrives at the
 * same state, without re-checking rules that held when the events happened.
 *
 * @example
 * ```ts
 * const account = new BankAccount('acc-1');
 * account.open('Ada');
 * account.deposit(2500);
 * account.withdraw(1000);
 * account.balance; // 1500
 * ```
 */
export class BankAccount extends AggregateRoot<BankAccountEvent, BankAccountState> {
  readonly aggregateType = 'BankAccount';

  /** Everything the events add up to (protected, so step 06 can snapshot and restore it). */
  protected state: BankAccountState = { ...INITIAL_BANK_ACCOUNT_STATE };

  protected readonly handlers: EventHandlers<BankAccountEvent> = {
    AccountOpened: ({ owner }) => {
      this.state.owner = owner;
    },
    MoneyDeposited: ({ amount }) => {
      this.state.balance += amount;
    },
    MoneyWithdrawn: ({ amount }) => {
      this.state.balance -= amount;
    },
  };

  /** Who owns the account; `null` before it is opened. */
  get owner(): string | null {
    return this.state.owner;
  }

  /** The balance in integer cents. */
  get balance(): number {
    return this.state.balance;
  }

  /** Whether `open()` has happened. */
  get isOpen(): boolean {
    return this.state.owner !== null;
  }

  /**
   * Opens the account for its owner.
   *
   * @throws BankAccountError `ACCOUNT_ALREADY_OPEN`, or `INVALID_OWNER` for a blank owner
   */
  open(owner: string): void {
    if (this.isOpen) throw new BankAccountError('ACCOUNT_ALREADY_OPEN', `account ${this.id} is already open`);
    if (typeof owner !== 'string' || owner.trim() === '') {
      throw new BankAccountError('INVALID_OWNER', 'owner must be a non-blank string');
    }
    this.raise('AccountOpened', { owner: owner.trim() });
  }

  /**
   * Puts money in.
   *
   * @param amount - positive integer cents
   * @throws BankAccountError `ACCOUNT_NOT_OPEN` or `INVALID_AMOUNT`
   */
  deposit(amount: number): void {
    this.#assertOpen();
    assertAmount(amount);
    this.raise('MoneyDeposited', { amount });
  }

  /**
   * Takes money out; never more than the balance.
   *
   * @param amount - positive integer cents
   * @throws InsufficientFundsError when `amount` exceeds the balance (an overdraft)
   * @throws BankAccountError `ACCOUNT_NOT_OPEN` or `INVALID_AMOUNT`
   */
  withdraw(amount: number): void {
    this.#assertOpen();
    assertAmount(amount);
    // The rule is checked here, in the command, never in the handler: a handler must accept every
    // event that is already history.
    if (amount > this.state.balance) throw new InsufficientFundsError(this.state.balance, amount);
    this.raise('MoneyWithdrawn', { amount });
  }

  #assertOpen(): void {
    if (!this.isOpen) throw new BankAccountError('ACCOUNT_NOT_OPEN', `account ${this.id} is not open`);
  }
}

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new BankAccountError('INVALID_AMOUNT', `amount must be a positive integer of cents, got ${amount}`);
  }
}
