import { type EventStore, isConcurrencyError } from '@chronicle/core';
import { createAccountRepository } from './04-accounts';

/** How one writer's deposit ended. */
export type DepositOutcome =
  | { readonly outcome: 'saved'; readonly version: number }
  | { readonly outcome: 'conflict'; readonly expectedVersion: number; readonly actualVersion: number };

/**
 * One writer's deposit, with a pause between loading and saving (`afterLoad`) where another writer
 * can get in first. Exactly what the lesson's "try modifying the same aggregate from two processes"
 * is about: both load version n, both decide, both save expecting n, and the store lets only the
 * first through. The loser's `ConcurrencyError` is reported, not thrown, so the caller sees both sides.
 *
 * @param afterLoad - awaited after the load, before the deposit is decided and saved
 *
 * @example
 * ```ts
 * const outcome = await depositOnce(store, 'acc-1', 500, () => barrier);
 * if (outcome.outcome === 'conflict') console.log(`lost: the account was at ${outcome.actualVersion}`);
 * ```
 */
export async function depositOnce(
  store: EventStore,
  accountId: string,
  amount: number,
  afterLoad: () => Promise<void>,
): Promise<DepositOutcome> {
  const accounts = createAccountRepository(store);
  const account = await accounts.get(accountId);
  await afterLoad();
  account.deposit(amount);
  try {
    const { nextExpectedVersion } = await accounts.save(account);
    return { outcome: 'saved', version: nextExpectedVersion };
  } catch (error) {
    // Only a conflict is an expected outcome; anything else is a real failure and propagates.
    if (!isConcurrencyError(error)) throw error;
    // Repository.save always expects an exact version (a number); the type also allows 'any' & co.
    const expectedVersion = typeof error.expectedVersion === 'number' ? error.expectedVersion : Number.NaN;
    return { outcome: 'conflict', expectedVersion, actualVersion: error.actualVersion };
  }
}
