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
    expect(opened.owner).toBe('Ada');
    expect(await storedTypes(id)).toEqual([['AccountOpened', { owner: 'Ada' }]]);
    const loaded = await accounts.load(id);
    expect(loaded?.isOpen).toBe(true);
    expect(loaded?.owner).toBe('Ada');
    expect(loaded?.version).toBe(1);
    expect(await accounts.load(newId()), 'an account that was never opened').toBeNull();
  });

  it('deposits and withdraws: each call loads, decides, saves; a reload shows the balance', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada');
    await depositMoney(accounts, id, 2500);
    const after = await withdrawMoney(accounts, id, 700);
    expect(after.balance).toBe(1800);
    expect(after.uncommittedEvents, 'saved events are committed').toEqual([]);
    // A fresh repository sees only what is stored.
    const reloaded = await createAccountRepository(store).get(id);
    expect(reloaded.balance).toBe(1800);
    expect(reloaded.version).toBe(3);
    expect(await storedTypes(id)).toEqual([
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
    await expect(withdrawMoney(accounts, id, 101)).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await store.getStreamVersion({ aggregateType: 'BankAccount', aggregateId: id })).toBe(2);
  });

  it('refuses money movements on an account that does not exist (AggregateNotFoundError)', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await expect(depositMoney(accounts, id, 100)).rejects.toSatisfy(isAggregateNotFoundError);
    await expect(withdrawMoney(accounts, id, 100)).rejects.toSatisfy(isAggregateNotFoundError);
    expect(await store.getEvents('BankAccount', id)).toEqual([]);
  });

  it('refuses to open an account id twice, storing nothing the second time', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada');
    await expect(openAccount(accounts, id, 'Eve')).rejects.toMatchObject({ code: 'ACCOUNT_ALREADY_OPEN' });
    expect(await storedTypes(id)).toEqual([['AccountOpened', { owner: 'Ada' }]]);
  });

  it('stamps who did it (SaveOptions) on the stored events', async () => {
    const accounts = createAccountRepository(store);
    const id = newId();
    await openAccount(accounts, id, 'Ada', { userId: 'clerk-1' });
    await depositMoney(accounts, id, 100, { userId: 'teller-7', correlationId: 'req-42' });
    await withdrawMoney(accounts, id, 50, { userId: 'atm-3' });
    const events = await store.getEvents('BankAccount', id);
    expect(events.map((e) => e.userId)).toEqual(['clerk-1', 'teller-7', 'atm-3']);
    expect(events[1]?.correlationId).toBe('req-42');
  });
});
