/**
 * The examples of docs/aggregates.md, run for real. The last test checks that every TypeScript block
 * of the guide appears here line for line (imports aside), so the guide cannot drift from the API.
 */
import { describe, expect, it } from 'vitest';
import {
  type AggregateEvent,
  AggregateRoot,
  createEventTypeRegistry,
  createInMemoryEventStore,
  type EventHandlers,
  everyNEvents,
  isConcurrencyError,
  maxSnapshotAge,
  Repository,
  type SnapshotStrategy,
  snapshotWhenAny,
  type Upcaster,
  withRetry,
} from '../src/index';
import { expectGuideBlocksIn } from './support/guide-blocks';

type BankAccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string }>
  | AggregateEvent<'MoneyDeposited', { amount: number }>
  | AggregateEvent<'MoneyWithdrawn', { amount: number }>;

interface BankAccountState {
  owner: string;
  balance: number;
}

class BankAccount extends AggregateRoot<BankAccountEvent, BankAccountState> {
  readonly aggregateType = 'BankAccount';
  owner = '';
  balance = 0;

  protected readonly handlers: EventHandlers<BankAccountEvent> = {
    AccountOpened: ({ owner }) => {
      this.owner = owner;
    },
    MoneyDeposited: ({ amount }) => {
      this.balance += amount;
    },
    MoneyWithdrawn: ({ amount }) => {
      this.balance -= amount;
    },
  };

  open(owner: string): void {
    if (this.version > 0) throw new Error('already open');
    this.raise('AccountOpened', { owner });
  }

  deposit(amount: number): void {
    if (amount <= 0) throw new Error('amount must be positive');
    this.raise('MoneyDeposited', { amount });
  }

  withdraw(amount: number): void {
    if (amount > this.balance) throw new Error('insufficient funds');
    this.raise('MoneyWithdrawn', { amount });
  }

  protected override snapshotState(): BankAccountState {
    return { owner: this.owner, balance: this.balance };
  }

  protected override restoreState(state: BankAccountState): void {
    this.owner = state.owner;
    this.balance = state.balance;
  }
}

type VersionedEvent =
  | AggregateEvent<'MoneyDeposited', { amountCents: number; currency: string }>
  | AggregateEvent<'MoneyWithdrawn', { amountCents: number }>;

class VersionedAccount extends AggregateRoot<VersionedEvent> {
  readonly aggregateType = 'BankAccount';
  balanceCents = 0;
  protected override readonly eventSchemaVersions = { MoneyDeposited: 3, MoneyWithdrawn: 2 };
  protected readonly handlers: EventHandlers<VersionedEvent> = {
    MoneyDeposited: ({ amountCents }) => {
      this.balanceCents += amountCents;
    },
    MoneyWithdrawn: ({ amountCents }) => {
      this.balanceCents -= amountCents;
    },
  };
  deposit(amountCents: number): void {
    this.raise('MoneyDeposited', { amountCents, currency: 'USD' });
  }
}

const logger = { warnings: [] as unknown[], warn: (...args: unknown[]) => logger.warnings.push(args) };

describe('docs/aggregates.md examples', () => {
  it('aggregate + repository', async () => {
    const store = createInMemoryEventStore();
    const accounts = new Repository(store, {
      create: (id) => new BankAccount(id),
      snapshotStrategy: everyNEvents(100),
    });

    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(100);
    await accounts.save(account, { userId: 'user-7', correlationId: 'req-42' });

    const loaded = await accounts.get('acc-1'); // throws AggregateNotFoundError when absent
    loaded.withdraw(30);
    await accounts.save(loaded);

    const nobody = await accounts.load('acc-404'); // null when absent

    expect(loaded.balance).toBe(70);
    expect(nobody).toBeNull();
    const [opened] = await store.getEvents('BankAccount', 'acc-1');
    expect(opened).toMatchObject({ userId: 'user-7', correlationId: 'req-42' });

    const first = await accounts.get('acc-1');
    const second = await accounts.get('acc-1');
    first.deposit(5);
    await accounts.save(first);
    second.deposit(7);
    const conflict = await accounts.save(second).catch((error: unknown) => error);
    // ConcurrencyError: expected version 3, but the current version is 4
    expect(isConcurrencyError(conflict) && [conflict.expectedVersion, conflict.actualVersion]).toEqual([
      3, 4,
    ]);

    await withRetry(
      async () => {
        const account = await accounts.get('acc-1');
        account.withdraw(10);
        await accounts.save(account);
      },
      { maxAttempts: 5, baseDelayMs: 20, signal: AbortSignal.timeout(2_000) },
    );
    expect((await accounts.get('acc-1')).balance).toBe(65);
  });

  it('snapshot strategies', async () => {
    const store = createInMemoryEventStore();
    const accounts = new Repository(store, {
      create: (id) => new BankAccount(id),
      snapshotStrategy: snapshotWhenAny(everyNEvents(100), maxSnapshotAge(24 * 60 * 60 * 1000)),
      onSnapshotError: (error, { aggregateType, aggregateId, phase }) =>
        logger.warn({ error, aggregateType, aggregateId, phase }, 'snapshot failed'),
    });
    const account = new BankAccount('acc-1');
    account.open('Ada');
    await expect(accounts.save(account)).resolves.toMatchObject({ snapshotSaved: true });

    // Snapshot the first event too, then every 50.
    const custom: SnapshotStrategy = ({ version, eventsSinceSnapshot }) =>
      version === 1 || eventsSinceSnapshot >= 50;
    expect(custom({ version: 1, eventsSinceSnapshot: 1 } as Parameters<SnapshotStrategy>[0])).toBe(true);
    expect(logger.warnings).toEqual([]);
  });

  it('upcasters', async () => {
    const upcasters: Upcaster[] = [
      {
        eventType: 'MoneyDeposited', // v1 { amount } in dollars -> v2 adds the currency
        fromSchemaVersion: 1,
        upcast: (event) => ({ ...(event.eventData as { amount: number }), currency: 'USD' }),
      },
      {
        eventType: 'MoneyDeposited', // v2 -> v3: integer cents
        fromSchemaVersion: 2,
        upcast: (event) => {
          const { amount, currency } = event.eventData as { amount: number; currency: string };
          return { amountCents: Math.round(amount * 100), currency };
        },
      },
      {
        eventType: 'FundsWithdrawn', // the old name of MoneyWithdrawn
        fromSchemaVersion: 1,
        toEventType: 'MoneyWithdrawn',
        toSchemaVersion: 2,
        upcast: (event) => ({
          amountCents: Math.round((event.eventData as { amount: number }).amount * 100),
        }),
      },
    ];
    const store = createInMemoryEventStore({ upcasters });

    const stream = { aggregateType: 'BankAccount', aggregateId: 'acc-1' };
    await store.append(stream, 'no_stream', [
      { eventType: 'MoneyDeposited', schemaVersion: 1, eventData: { amount: 12.5 } },
      { eventType: 'FundsWithdrawn', schemaVersion: 1, eventData: { amount: 2.5 } },
    ]);
    const accounts = new Repository(store, { create: (id) => new VersionedAccount(id) });
    const account = await accounts.get('acc-1');
    account.deposit(100);
    await accounts.save(account);
    expect(account.balanceCents).toBe(1100);
    expect(
      (await store.getEvents('BankAccount', 'acc-1')).map((e) => [e.eventType, e.schemaVersion]),
    ).toEqual([
      ['MoneyDeposited', 3],
      ['MoneyWithdrawn', 2],
      ['MoneyDeposited', 3],
    ]);
  });

  it('event-type registry', async () => {
    const registry = createEventTypeRegistry({
      definitions: [
        {
          eventType: 'MoneyDeposited',
          aggregateType: 'BankAccount',
          schemaVersion: 1,
          description: 'Money was paid into the account',
          schema: {
            type: 'object',
            properties: { amount: { type: 'number', exclusiveMinimum: 0 } },
            required: ['amount'],
            additionalProperties: false,
          },
        },
      ],
      unknownEventTypes: 'reject',
    });
    const store = createInMemoryEventStore({ registry });

    const error = await store
      .append({ aggregateType: 'BankAccount', aggregateId: 'acc-9' }, 'any', [
        { eventType: 'MoneyDeposited', eventData: { amount: -5, note: 'oops' } },
      ])
      .catch((e: unknown) => e);
    // EventValidationError, nothing written; error.violations:
    // { index: 0, eventType: 'MoneyDeposited', path: '/note', message: 'is not allowed' }
    // { index: 0, eventType: 'MoneyDeposited', path: '/amount', message: 'must be > 0' }
    expect(error).toMatchObject({
      code: 'EVENT_VALIDATION',
      violations: [
        { index: 0, eventType: 'MoneyDeposited', path: '/note', message: 'is not allowed' },
        { index: 0, eventType: 'MoneyDeposited', path: '/amount', message: 'must be > 0' },
      ],
    });
    expect(store.size).toBe(0);
  });

  it('every TypeScript block of docs/aggregates.md appears in this file', () => {
    expectGuideBlocksIn(new URL('../../../docs/aggregates.md', import.meta.url), new URL(import.meta.url), 6);
  });
});
