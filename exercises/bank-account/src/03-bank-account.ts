import { AggregateRoot, type EventHandlers } from '@chronicle/core';
import type { BankAccountEvent, BankAccountState } from './bank-account-events';
import { INITIAL_BANK_ACCOUNT_STATE } from './bank-account-events';
import { NotImplementedError } from './not-implemented-error';

/**
 * An event-sourced bank account. Commands (`open`, `deposit`, `withdraw`) check the rules and then
 * `raise()` an event; only the handlers change state.
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

  // TODO: one handler per event type. Handlers are the ONLY place where `this.state` changes,
  //       because loading an account replays the stored events through these same handlers.
  protected readonly handlers: EventHandlers<BankAccountEvent> = {
    AccountOpened: () => {
      throw new NotImplementedError('03-bank-account', 'apply AccountOpened to this.state');
    },
    MoneyDeposited: () => {
      throw new NotImplementedError('03-bank-account', 'apply MoneyDeposited to this.state');
    },
    MoneyWithdrawn: () => {
      throw new NotImplementedError('03-bank-account', 'apply MoneyWithdrawn to this.state');
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
    // TODO: refuse a second open and a blank owner (throw BankAccountError with the right code),
    //       then this.raise('AccountOpened', { owner }).
    void owner;
    throw new NotImplementedError('03-bank-account', 'implement BankAccount.open()');
  }

  /**
   * Puts money in.
   *
   * @param amount - positive integer cents
   * @throws BankAccountError `ACCOUNT_NOT_OPEN` or `INVALID_AMOUNT`
   */
  deposit(amount: number): void {
    // TODO: the account must be open; the amount a positive integer (cents). Then raise MoneyDeposited.
    void amount;
    throw new NotImplementedError('03-bank-account', 'implement BankAccount.deposit()');
  }

  /**
   * Takes money out; never more than the balance.
   *
   * @param amount - positive integer cents
   * @throws InsufficientFundsError when `amount` exceeds the balance (an overdraft)
   * @throws BankAccountError `ACCOUNT_NOT_OPEN` or `INVALID_AMOUNT`
   */
  withdraw(amount: number): void {
    // TODO: the same checks as deposit, plus: no overdraft (throw InsufficientFundsError).
    //       Where does that check belong: here, or in the MoneyWithdrawn handler? (Think replay.)
    void amount;
    throw new NotImplementedError('03-bank-account', 'implement BankAccount.withdraw()');
  }
}
