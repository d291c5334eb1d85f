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
    expect(account.isOpen, 'a new BankAccount is not open until open() is called').toBe(false);
    account.open('Ada');
    expect(
      account.isOpen,
      'after open() the account is open (the AccountOpened handler sets the owner)',
    ).toBe(true);
    expect(account.owner, 'the AccountOpened handler records the owner').toBe('Ada');
    expect(account.balance, 'a new account starts with a balance of 0').toBe(0);
    expect(account.version, 'open() raises one event: the account is at version 1').toBe(1);
    expect(
      account.uncommittedEvents.map((e) => [e.eventType, e.eventData]),
      "open('Ada') raises AccountOpened with { owner: 'Ada' }",
    ).toEqual([['AccountOpened', { owner: 'Ada' }]]);
  });

  it('refuses a second open and a blank owner, raising nothing', () => {
    const account = openAccount();
    expect(() => account.open('Bob'), 'opening an open account must throw ACCOUNT_ALREADY_OPEN').toThrow(
      expect.objectContaining({ code: 'ACCOUNT_ALREADY_OPEN' }),
    );
    expect(() => new BankAccount('acc-2').open('  '), 'a blank owner must be refused').toThrow(
      expect.objectContaining({ code: 'INVALID_OWNER' }),
    );
    expect(account.owner, 'the refused second open must not change the owner').toBe('Ada');
    expect(account.version, 'refused commands raise no event: the account stays at version 1').toBe(1);
  });

  it('deposits and withdraws: MoneyDeposited, MoneyWithdrawn, and the balance follows', () => {
    const account = openAccount();
    account.deposit(2500);
    account.withdraw(1000);
    account.deposit(1);
    expect(account.balance, 'the balance follows the events: 2500 - 1000 + 1 = 1501').toBe(1501);
    expect(account.version, 'open + three commands = version 4').toBe(4);
    expect(
      account.uncommittedEvents.slice(1).map((e) => [e.eventType, e.eventData]),
      'each command raises its event: MoneyDeposited / MoneyWithdrawn with the amount',
    ).toEqual([
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
    expect(refusal, 'withdrawing more than the balance must throw InsufficientFundsError').toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(
      refusal,
      'the InsufficientFundsError says the balance (500) and the amount asked for (501)',
    ).toMatchObject({ code: 'INSUFFICIENT_FUNDS', balance: 500, requested: 501 });
    expect(account.balance, 'a refused withdrawal leaves the balance as it was').toBe(500);
    expect(account.version, 'a refused withdrawal raises no event').toBe(2);
    account.withdraw(500);
    expect(account.balance, 'withdrawing the whole balance is allowed and leaves 0').toBe(0);
    expect(() => account.withdraw(1), 'with a balance of 0, withdrawing 1 cent is an overdraft').toThrow(
      InsufficientFundsError,
    );
  });

  it('refuses amounts that are not positive integer cents', () => {
    const account = openAccount();
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => account.deposit(bad), `deposit(${bad})`).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
      expect(() => account.withdraw(bad), `withdraw(${bad})`).toThrow(BankAccountError);
    }
    expect(account.version, 'refused amounts raise no event: the account stays at version 1').toBe(1);
  });

  it('refuses deposits and withdrawals on an account that is not open', () => {
    const account = new BankAccount('acc-1');
    expect(
      () => account.deposit(100),
      'a deposit on an account that was never opened must throw ACCOUNT_NOT_OPEN',
    ).toThrow(expect.objectContaining({ code: 'ACCOUNT_NOT_OPEN' }));
    expect(
      () => account.withdraw(100),
      'a withdrawal on an account that was never opened must throw ACCOUNT_NOT_OPEN',
    ).toThrow(expect.objectContaining({ code: 'ACCOUNT_NOT_OPEN' }));
    expect(account.version, 'refused commands raise no event: version 0').toBe(0);
    expect(account.uncommittedEvents, 'refused commands leave nothing to save').toEqual([]);
  });

  it('rebuilds exactly the same state by replaying its events (state changes only in handlers)', () => {
    const original = openAccount('Grace');
    original.deposit(1000);
    original.withdraw(300);
    original.deposit(45);
    const replayed = new BankAccount('acc-1');
    replayed.loadFromHistory(asStored(original));
    expect(replayed.owner, 'replaying AccountOpened restores the owner').toBe('Grace');
    expect(
      replayed.balance,
      'replaying the deposits and withdrawals restores the balance: 1000 - 300 + 45 = 745',
    ).toBe(745);
    expect(replayed.version, 'after replaying four events the account is at version 4').toBe(4);
    expect(replayed.uncommittedEvents, 'replayed events are history, not new events to save').toEqual([]);
  });
});
