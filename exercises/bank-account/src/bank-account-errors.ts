/** Why a bank-account command was refused. */
export type BankAccountErrorCode =
  | 'ACCOUNT_NOT_OPEN'
  | 'ACCOUNT_ALREADY_OPEN'
  | 'INVALID_OWNER'
  | 'INVALID_AMOUNT'
  | 'INSUFFICIENT_FUNDS';

/**
 * A command broke a bank-account rule. Nothing happened: no event was raised.
 *
 * @example `throw new BankAccountError('INVALID_AMOUNT', 'amount must be a positive integer of cents');`
 */
export class BankAccountError extends Error {
  /** Which rule, for code that reacts to it. */
  readonly code: BankAccountErrorCode;

  constructor(code: BankAccountErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A withdrawal larger than the balance: overdrafts are not allowed.
 *
 * @example `throw new InsufficientFundsError(this.balance, amount);`
 */
export class InsufficientFundsError extends BankAccountError {
  /** The balance when the withdrawal was refused, in cents. */
  readonly balance: number;
  /** The amount asked for, in cents. */
  readonly requested: number;

  constructor(balance: number, requested: number) {
    super('INSUFFICIENT_FUNDS', `cannot withdraw ${requested} cents: the balance is only ${balance} cents`);
    this.balance = balance;
    this.requested = requested;
  }
}
