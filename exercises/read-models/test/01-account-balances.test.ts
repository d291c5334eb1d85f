import { isProjectionError, readDocuments } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import { accountBalances } from '#exercise/01-account-balances';
import type { Balance } from '#exercise/read-model-events';
import { freshStore, newAccountId, openAndUse, record, succeeds } from './support/bank';

const bank = () => freshStore('01', { inlineProjections: [accountBalances] });

describe('01-account-balances: an inline projection', () => {
  it('keeps every balance up to date the moment append returns', async () => {
    const store = await bank();
    const [ada, bob] = [newAccountId(), newAccountId()];
    await succeeds(openAndUse(store, ada, [5000, 2500], [1200]), 'opening and using an account');
    await succeeds(openAndUse(store, bob, [100], []), 'opening and using a second account');
    const balances = readDocuments<Balance>(store, accountBalances, 'balances');
    expect(await balances.get(ada), "Ada's balance: 5000 + 2500 - 1200, read right after the append").toEqual(
      {
        owner: `owner of ${ada}`,
        balance: 6300,
      },
    );
    expect(await balances.get(bob), "Bob's balance is his own: 100").toEqual({
      owner: `owner of ${bob}`,
      balance: 100,
    });
    expect(await balances.count(), 'one document per account in the balances collection').toBe(2);
  });

  it('a fresh account has a balance of 0', async () => {
    const store = await bank();
    const id = newAccountId();
    await succeeds(record(store, id, 'AccountOpened', { owner: 'Ada' }), 'opening an account');
    expect(await readDocuments<Balance>(store, accountBalances, 'balances').get(id)).toEqual({
      owner: 'Ada',
      balance: 0,
    });
  });

  it('a handler that throws rolls the append back: a deposit to an unknown account is refused', async () => {
    const store = await bank();
    await succeeds(
      openAndUse(store, newAccountId(), [100], [50]),
      'a deposit and a withdrawal on an open account',
    );
    const ghost = newAccountId();
    const error = await record(store, ghost, 'MoneyDeposited', { amount: 100 }).catch((e: unknown) => e);
    expect(
      isProjectionError(error),
      `a deposit to an account never opened must make your handler throw, so the append fails with a ProjectionError; instead ${typeof error === 'bigint' ? `the deposit was stored at position ${error}` : `it failed with ${String(error)}`}`,
    ).toBe(true);
    expect(await store.getEvents('Account', ghost), 'the refused append left no event').toEqual([]);
    expect(
      await readDocuments<Balance>(store, accountBalances, 'balances').get(ghost),
      'and no document',
    ).toBeUndefined();
  });
});
