/**
 * The examples of docs/deciders.md, run for real. The last test checks that every TypeScript block
 * of the guide appears here line for line (imports aside), so the guide cannot drift from the API.
 */
import { AssertionError } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AggregateEvent,
  AggregateRoot,
  commandHandler,
  createInMemoryEventStore,
  defineDecider,
  type EventHandlers,
  everyNEvents,
  handleCommand,
} from '../src/index';
import { aggregateSpecification, deciderSpecification } from '../src/testing/index';
import { expectGuideBlocksIn } from './support/guide-blocks';

type AccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string }>
  | AggregateEvent<'MoneyDeposited', { amount: number }>
  | AggregateEvent<'MoneyWithdrawn', { amount: number }>;

type AccountCommand =
  | { type: 'Open'; owner: string }
  | { type: 'Deposit'; amount: number }
  | { type: 'Withdraw'; amount: number };

interface Account {
  open: boolean;
  owner: string;
  balance: number;
}

const account = defineDecider({
  name: 'BankAccount',
  initialState: (): Account => ({ open: false, owner: '', balance: 0 }),
  evolve: {
    AccountOpened: (state, { owner }) => ({ ...state, open: true, owner }),
    MoneyDeposited: (state, { amount }) => ({ ...state, balance: state.balance + amount }),
    MoneyWithdrawn: (state, { amount }) => ({ ...state, balance: state.balance - amount }),
  },
  decide: (command: AccountCommand, state: Account): AccountEvent[] => {
    if (command.type === 'Open') {
      if (state.open) throw new Error('already open');
      return [{ eventType: 'AccountOpened', eventData: { owner: command.owner } }];
    }
    if (!state.open) throw new Error('no such account');
    if (command.amount <= 0) throw new Error('amount must be positive');
    if (command.type === 'Deposit') {
      return [{ eventType: 'MoneyDeposited', eventData: { amount: command.amount } }];
    }
    if (command.amount > state.balance) throw new Error('insufficient funds');
    return [{ eventType: 'MoneyWithdrawn', eventData: { amount: command.amount } }];
  },
});

/** The class of docs/aggregates.md, trimmed to what the aggregate specification below calls. */
class BankAccount extends AggregateRoot<AccountEvent> {
  readonly aggregateType = 'BankAccount';
  balance = 0;

  protected readonly handlers: EventHandlers<AccountEvent> = {
    AccountOpened: () => {},
    MoneyDeposited: ({ amount }) => {
      this.balance += amount;
    },
    MoneyWithdrawn: ({ amount }) => {
      this.balance -= amount;
    },
  };

  deposit(amount: number): void {
    if (amount <= 0) throw new Error('amount must be positive');
    this.raise('MoneyDeposited', { amount });
  }
}

describe('docs/deciders.md', () => {
  it('the command handler', async () => {
    const store = createInMemoryEventStore();
    const stream = { aggregateType: 'BankAccount', aggregateId: 'acc-1' };

    await handleCommand(store, stream, account, { type: 'Open', owner: 'Ada' });
    const { newEvents, nextExpectedVersion, state } = await handleCommand(
      store,
      stream,
      account,
      { type: 'Deposit', amount: 100 },
      { userId: 'u-7', correlationId: 'req-42' },
    );
    // newEvents: [{ eventType: 'MoneyDeposited', eventData: { amount: 100 }, version: 2, userId: 'u-7', … }]
    // nextExpectedVersion: 2; state: { open: true, owner: 'Ada', balance: 100 }
    expect(newEvents).toMatchObject([
      { eventType: 'MoneyDeposited', eventData: { amount: 100 }, version: 2, userId: 'u-7' },
    ]);
    expect(nextExpectedVersion).toBe(2);
    expect(state).toEqual({ open: true, owner: 'Ada', balance: 100 });

    const handleAccount = commandHandler(account, {
      snapshotStrategy: everyNEvents(100),
      retry: { maxAttempts: 5 },
    });
    await handleAccount(store, stream, { type: 'Withdraw', amount: 30 }, { correlationId: 'req-43' });
    expect((await store.getEvents('BankAccount', 'acc-1')).at(-1)).toMatchObject({
      eventType: 'MoneyWithdrawn',
      correlationId: 'req-43',
    });
  });

  it('versioning', async () => {
    const accountV2 = defineDecider({
      ...account,
      eventSchemaVersions: { MoneyDeposited: 2 },
      snapshotSchemaVersion: 2,
    });
    const store = createInMemoryEventStore();
    const stream = { aggregateType: 'BankAccount', aggregateId: 'acc-2' };
    await handleCommand(store, stream, accountV2, { type: 'Open', owner: 'Ada' });
    const { newEvents } = await handleCommand(store, stream, accountV2, { type: 'Deposit', amount: 1 });
    expect(newEvents[0]?.schemaVersion).toBe(2);
  });

  it('specifications', () => {
    const spec = deciderSpecification(account);

    spec
      .given([{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }])
      .when({ type: 'Deposit', amount: 100 })
      .then([{ eventType: 'MoneyDeposited', eventData: { amount: 100 } }]);

    spec
      .given([{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }])
      .when({ type: 'Withdraw', amount: 1 })
      .then(new Error('insufficient funds'));

    spec
      .given([])
      .when({ type: 'Deposit', amount: 5 })
      .thenThrows({ message: /no such account/ });

    aggregateSpecification(() => new BankAccount('acc-1'))
      .given([{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }])
      .when((account) => account.deposit(50))
      .then([{ eventType: 'MoneyDeposited', eventData: { amount: 50 } }]);
  });

  it('a failing specification (the message the guide shows)', () => {
    const spec = deciderSpecification(account);
    let message = '';
    try {
      spec
        .given([{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }])
        .when({ type: 'Deposit', amount: 100 })
        .then([{ eventType: 'MoneyDeposited', eventData: { amount: 120 } }]);
    } catch (error) {
      expect(error).toBeInstanceOf(AssertionError);
      message = (error as Error).message;
    }
    const guide = readFileSync(new URL('../../../docs/deciders.md', import.meta.url), 'utf8');
    const shown = /```text\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
    expect(shown.trimEnd()).toBe(message);
  });

  it('every TypeScript block of docs/deciders.md appears in this file', () => {
    expectGuideBlocksIn(new URL('../../../docs/deciders.md', import.meta.url), new URL(import.meta.url), 5);
  });
});
