import type { EventStore, Repository, SaveOptions } from '@chronicle/core';
import type { BankAccount } from './03-bank-account';
import { NotImplementedError } from './not-implemented-error';

/**
 * A repository of bank accounts over any Chronicle store.
 *
 * @example
 * ```ts
 * const accounts = createAccountRepository(createSqliteEventStore({ filename: 'bank.sqlite' }));
 * ```
 */
export function createAccountRepository(store: EventStore): Repository<BankAccount> {
  // TODO: new Repository(store, { create: ... }) — `create` makes a fresh, empty account for an id.
  void store;
  throw new NotImplementedError('04-repository', 'create a Repository of BankAccounts');
}

/**
 * Opens a new account.
 *
 * @throws BankAccountError `ACCOUNT_ALREADY_OPEN` or `INVALID_OWNER`
 */
export async function openAccount(
  accounts: Repository<BankAccount>,
  accountId: string,
  owner: string,
  options: SaveOptions = {},
): Promise<BankAccount> {
  // TODO: load the account (it may not exist yet!), open it, save it with `options`, return it.
  void [accounts, accountId, owner, options];
  throw new NotImplementedError('04-repository', 'implement openAccount()');
}

/**
 * Load, decide, save: deposits into an existing account.
 *
 * @throws AggregateNotFoundError when the account does not exist
 */
export async function depositMoney(
  accounts: Repository<BankAccount>,
  accountId: string,
  amount: number,
  options: SaveOptions = {},
): Promise<BankAccount> {
  // TODO: load (a missing account is an error), deposit, save with `options`, return the account.
  void [accounts, accountId, amount, options];
  throw new NotImplementedError('04-repository', 'implement depositMoney()');
}

/**
 * Load, decide, save: withdraws from an existing account.
 *
 * @throws InsufficientFundsError on an overdraft
 * @throws AggregateNotFoundError when the account does not exist
 */
export async function withdrawMoney(
  accounts: Repository<BankAccount>,
  accountId: string,
  amount: number,
  options: SaveOptions = {},
): Promise<BankAccount> {
  // TODO: like depositMoney.
  void [accounts, accountId, amount, options];
  throw new NotImplementedError('04-repository', 'implement withdrawMoney()');
}
