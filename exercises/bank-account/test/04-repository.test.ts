import { randomUUID } from 'node:crypto';
import { type EventStore, isAggregateNotFoundError } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountRepository, depositMoney, openAccount, withdrawMoney } from '#exercise/04-accounts';
import { InsufficientFundsError } from '#exercise/bank-account-errors';

const stores = createTestStores('04-repository');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

const newId = () => `acc-${randomUUID()}`;
const storedTypes = async (id: string) =>
  (await store.getEvents('BankAccount', id)).map((e) => [e.eventType, e.eventData]);

describe(`04-repository: load and save through Repository (${stores.kind})`, () => {
  it('opens an account: one AccountOpened in its stream, and it loads back open', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    const opened = await openAccount(accounts, id, 'Ada');
    expect(opened.owner, "openAccount returns the opened account, owned by 'Ada'").toBe('Ada');
    expect(await storedTypes(id), 'openAccount saves exactly one AccountOpened in the stream').toEqual([
      ['AccountOpened', { owner: 'Ada' }],
    ]);
    const loaded = await accounts.load(id);
    expect(loaded?.isOpen, 'accounts.load(id) replays AccountOpened: the loaded account is open').toBe(true);
    expect(loaded?.owner, "the loaded account's owner comes from the stored AccountOpened").toBe('Ada');
    expect(loaded?.version, 'one stored event: the loaded account is at version 1').toBe(1);
    expect(
      await accounts.load(newId()),
      'accounts.load() of an account that was never opened returns null',
    ).toBeNull();
  });

  it('deposits and withdraws: each call loads, decides, saves; a reload shows the balance', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada');
    await depositMoney(accounts, id, 2500);
    const after = await withdrawMoney(accounts, id, 700);
    expect(after.balance, 'withdrawMoney returns the account: 2500 deposited - 700 withdrawn = 1800').toBe(
      1800,
    );
    expect(
      after.uncommittedEvents,
      'after save, the returned account has no uncommitted events left',
    ).toEqual([]);
    // A fresh repository sees only what is stored.
    const reloaded = await createAccountRepository(store).get(id);
    expect(reloaded.balance, 'a fresh repository loads the stored balance: 1800').toBe(1800);
    expect(reloaded.version, 'open + deposit + withdraw were each saved: version 3').toBe(3);
    expect(await storedTypes(id), 'each call saved its event, in order').toEqual([
      ['AccountOpened', { owner: 'Ada' }],
      ['MoneyDeposited', { amount: 2500 }],
      ['MoneyWithdrawn', { amount: 700 }],
    ]);
  });

  it('rejects an overdraft and stores nothing', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada');
    await depositMoney(accounts, id, 100);
    await expect(
      withdrawMoney(accounts, id, 101),
      'withdrawing 101 from a balance of 100 must reject with InsufficientFundsError',
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(
      await store.getStreamVersion({ aggregateType: 'BankAccount', aggregateId: id }),
      'a refused withdrawal stores nothing: the stream stays at version 2 (open + deposit)',
    ).toBe(2);
  });

  it('refuses money movements on an account that does not exist (AggregateNotFoundError)', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await expect(
      depositMoney(accounts, id, 100),
      'depositMoney on an account that was never opened must reject with AggregateNotFoundError (use accounts.get)',
    ).rejects.toSatisfy(isAggregateNotFoundError);
    await expect(
      withdrawMoney(accounts, id, 100),
      'withdrawMoney on an account that was never opened must reject with AggregateNotFoundError (use accounts.get)',
    ).rejects.toSatisfy(isAggregateNotFoundError);
    expect(
      await store.getEvents('BankAccount', id),
      'nothing is stored for an account that does not exist',
    ).toEqual([]);
  });

  it('refuses to open an account id twice, storing nothing the second time', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada');
    await expect(
      openAccount(accounts, id, 'Eve'),
      'opening an id that is already open must reject with ACCOUNT_ALREADY_OPEN',
    ).rejects.toMatchObject({ code: 'ACCOUNT_ALREADY_OPEN' });
    expect(
      await storedTypes(id),
      "the second open stores nothing: only Ada's AccountOpened is in the stream",
    ).toEqual([['AccountOpened', { owner: 'Ada' }]]);
  });

  it('stamps who did it (SaveOptions) on the stored events', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada', { userId: 'clerk-1' });
    await depositMoney(accounts, id, 100, { userId: 'teller-7', correlationId: 'req-42' });
    await withdrawMoney(accounts, id, 50, { userId: 'atm-3' });
    const events = await store.getEvents('BankAccount', id);
    expect(
      events.map((e) => e.userId),
      'each operation passes its SaveOptions to save: the stored events carry their userId',
    ).toEqual(['clerk-1', 'teller-7', 'atm-3']);
    expect(
      events[1]?.correlationId,
      "the deposit's correlationId from SaveOptions is on its stored event",
    ).toBe('req-42');
  });
});
