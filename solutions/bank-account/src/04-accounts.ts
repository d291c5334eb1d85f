import { type EventStore, Repository, type SaveOptions } from '@chronicle/core';
import { BankAccount } from './03-bank-account';

/**
 * A repository of bank accounts over any Chronicle store: it loads an account by replaying its
 * stream and saves new events with the loaded version as the expected version.
 *
 * @example
 * ```ts
 * const accounts = createAccountRepository(createSqliteEventStore({ filename: 'bank.sqlite' }));
 * ```
 */
export function createAccountRepository(store: EventStore): Repository<BankAccount> {
  return new Repository(store, { create: (id) => new BankAccount(id) });
}

/**
 * Opens a new account. An id that already has events is refused by the aggregate (it loads as an
 * open account); two simultaneous opens of one id both expect version 0, so one gets
 * `ConcurrencyError`.
 *
 * @throws BankAccountError `ACCOUNT_ALREADY_OPEN` or `INVALID_OWNER`
 */
export async function openAccount(
  accounts: Repository<BankAccount>,
  accountId: string,
  owner: string,
  options: SaveOptions = {},
): Promise<BankAccount> {
  const account = (await accounts.load(accountId)) ?? new BankAccount(accountId);
  account.open(owner);
  await accounts.save(account, options);
  return account;
}

/**
 * Load, decide, save: deposits into an existing account.
 *
 * @throws AggregateNotFoundError when the account does not exist
 * @throws ConcurrencyError when another writer saved the account meanwhile
 */
export async function depositMoney(
  accounts: Repository<BankAccount>,
  accountId: string,
  amount: number,
  options: SaveOptions = {},
): Promise<BankAccount> {
  const account = await accounts.get(accountId);
  account.deposit(amount);
  await accounts.save(account, options);
  return account;
}

/**
 * Load, decide, save: withdraws from an existing account. A refused overdraft throws before
 * anything is saved.
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
  const account = await accounts.get(accountId);
  account.withdraw(amount);
  await accounts.save(account, options);
  return account;
}
