import type { DomainEvent } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import { BankAccount } from '#exercise/03-bank-account';
import { BankAccountError, InsufficientFundsError } from '#exercise/bank-account-errors';

/** The account's uncommitted events as the store would hand them back. */
function asStored(account: BankAccount): DomainEvent[] {
  return account.uncommittedEvents.map((event, i) => ({
    ...event,
    aggregateType: 'BankAccount',
    aggregateId: account.id,
    position: BigInt(i + 1),
  }));
}

function openAccount(owner = 'Ada'): BankAccount {
  const account = new BankAccount('acc-1');
  account.open(owner);
  return account;
}

describe('03-bank-account: BankAccount', () => {
  it('opens: AccountOpened with the owner, at version 1', () => {
    const account = new BankAccount('acc-1');
    expect(account.isOpen).toBe(false);
    account.open('Ada');
    expect(account.isOpen).toBe(true);
    expect(account.owner).toBe('Ada');
    expect(account.balance).toBe(0);
    expect(account.version).toBe(1);
    expect(account.uncommittedEvents.map((e) => [e.eventType, e.eventData])).toEqual([
      ['AccountOpened', { owner: 'Ada' }],
    ]);
  });

  it('refuses a second open and a blank owner, raising nothing', () => {
    const account = openAccount();
    expect(() => account.open('Bob')).toThrow(expect.objectContaining({ code: 'ACCOUNT_ALREADY_OPEN' }));
    expect(() => new BankAccount('acc-2').open('  ')).toThrow(
      expect.objectContaining({ code: 'INVALID_OWNER' }),
    );
    expect(account.owner).toBe('Ada');
    expect(account.version).toBe(1);
  });

  it('deposits and withdraws: MoneyDeposited, MoneyWithdrawn, and the balance follows', () => {
    const account = openAccount();
    account.deposit(2500);
    account.withdraw(1000);
    account.deposit(1);
    expect(account.balance).toBe(1501);
    expect(account.version).toBe(4);
    expect(account.uncommittedEvents.slice(1).map((e) => [e.eventType, e.eventData])).toEqual([
      ['MoneyDeposited', { amount: 2500 }],
      ['MoneyWithdrawn', { amount: 1000 }],
      ['MoneyDeposited', { amount: 1 }],
    ]);
  });

  it('withdraws the whole balance, but rejects an overdraft with InsufficientFundsError and raises nothing', () => {
    const account = openAccount();
    account.deposit(500);
    let refusal: unknown;
    try {
      account.withdraw(501);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InsufficientFundsError);
    expect(refusal).toMatchObject({ code: 'INSUFFICIENT_FUNDS', balance: 500, requested: 501 });
    expect(account.balance).toBe(500);
    expect(account.version).toBe(2);
    account.withdraw(500);
    expect(account.balance).toBe(0);
    expect(() => account.withdraw(1)).toThrow(InsufficientFundsError);
  });

  it('refuses amounts that are not positive integer cents', () => {
    const account = openAccount();
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => account.deposit(bad), `deposit(${bad})`).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
      expect(() => account.withdraw(bad), `withdraw(${bad})`).toThrow(BankAccountError);
    }
    expect(account.version).toBe(1);
  });

  it('refuses deposits and withdrawals on an account that is not open', () => {
    const account = new BankAccount('acc-1');
    expect(() => account.deposit(100)).toThrow(expect.objectContaining({ code: 'ACCOUNT_NOT_OPEN' }));
    expect(() => account.withdraw(100)).toThrow(expect.objectContaining({ code: 'ACCOUNT_NOT_OPEN' }));
    expect(account.version).toBe(0);
    expect(account.uncommittedEvents).toEqual([]);
  });

  it('rebuilds exactly the same state by replaying its events (state changes only in handlers)', () => {
    const original = openAccount('Grace');
    original.deposit(1000);
    original.withdraw(300);
    original.deposit(45);
    const replayed = new BankAccount('acc-1');
    replayed.loadFromHistory(asStored(original));
    expect(replayed.owner).toBe('Grace');
    expect(replayed.balance).toBe(745);
    expect(replayed.version).toBe(4);
    expect(replayed.uncommittedEvents).toEqual([]);
  });
});
