import { describe, expect, it } from 'vitest';
import {
  type AggregateEvent,
  AggregateRoot,
  createInMemoryEventStore,
  type DomainEvent,
  type EventHandlers,
  InvalidArgumentError,
  isInvalidArgumentError,
  isUnknownEventTypeError,
  type NewEvent,
  type RaiseOptions,
  UnknownEventTypeError,
} from '../src/index';
import { BANK_ACCOUNT, BankAccount } from './support/bank-account';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Stored events of a stream, as the store hands them back. */
async function stored(id: string, events: NewEvent[], aggregateType = BANK_ACCOUNT): Promise<DomainEvent[]> {
  const store = createInMemoryEventStore();
  await store.append({ aggregateType, aggregateId: id }, 'no_stream', events);
  return store.getEvents(aggregateType, id);
}

const opened = (owner = 'Ada'): NewEvent => ({
  eventType: 'AccountOpened',
  schemaVersion: 2,
  eventData: { owner, overdraftLimitCents: 0 },
});
const deposited = (amountCents: number): NewEvent => ({
  eventType: 'MoneyDeposited',
  schemaVersion: 3,
  eventData: { amountCents, currency: 'USD' },
});

describe('AggregateRoot: raising events', () => {
  it('starts empty at version 0', () => {
    const account = new BankAccount('acc-1');
    expect(account.id).toBe('acc-1');
    expect(account.version).toBe(0);
    expect(account.committedVersion).toBe(0);
    expect(account.uncommittedEvents).toEqual([]);
  });

  it('rejects a malformed id with InvalidArgumentError', () => {
    expect(() => new BankAccount('')).toThrow(InvalidArgumentError);
    expect(() => new BankAccount('x'.repeat(256))).toThrow(InvalidArgumentError);
  });

  it('applies a raised event through its handler and queues it with the next version', () => {
    const account = new BankAccount('acc-1');
    account.open('Ada', 500);
    account.deposit(1_000);
    expect(account.balanceCents).toBe(1_000);
    expect(account.overdraftLimitCents).toBe(500);
    expect(account.version).toBe(2);
    expect(account.committedVersion).toBe(0);
    const [first, second] = account.uncommittedEvents;
    expect(first).toMatchObject({
      eventType: 'AccountOpened',
      eventData: { owner: 'Ada', overdraftLimitCents: 500 },
      version: 1,
    });
    expect(second).toMatchObject({
      eventType: 'MoneyDeposited',
      eventData: { amountCents: 1_000, currency: 'USD' },
      version: 2,
    });
    expect(first?.eventId).toMatch(UUID);
    expect(second?.eventId).not.toBe(first?.eventId);
    expect(second?.occurredAt).toBeInstanceOf(Date);
  });

  it('stamps the schema version declared in eventSchemaVersions, else 1', () => {
    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(100);
    account.withdraw(100);
    account.close('done');
    expect(account.uncommittedEvents.map((e) => [e.eventType, e.schemaVersion])).toEqual([
      ['AccountOpened', 2],
      ['MoneyDeposited', 3],
      ['MoneyWithdrawn', 2],
      ['AccountClosed', 1],
    ]);
  });

  it('passes per-event options (id, metadata, correlation) through to the queued event', () => {
    class Probe extends AggregateRoot<AggregateEvent<'Pinged', { n: number }>> {
      readonly aggregateType = 'Probe';
      protected readonly handlers: EventHandlers<AggregateEvent<'Pinged', { n: number }>> = {
        Pinged: () => {},
      };
      ping(options: RaiseOptions): void {
        this.raise('Pinged', { n: 1 }, options);
      }
    }
    const probe = new Probe('p-1');
    const occurredAt = new Date('2024-01-02T03:04:05.678Z');
    probe.ping({
      eventId: 'evt-1',
      schemaVersion: 7,
      occurredAt,
      userId: 'u-1',
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      metadata: { ip: '10.0.0.1' },
    });
    expect(probe.uncommittedEvents[0]).toEqual({
      eventId: 'evt-1',
      eventType: 'Pinged',
      eventData: { n: 1 },
      schemaVersion: 7,
      version: 1,
      occurredAt,
      userId: 'u-1',
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      metadata: { ip: '10.0.0.1' },
    });
  });

  it('queues nothing when a command refuses (rules are checked before raise)', () => {
    const account = new BankAccount('acc-1');
    account.open('Ada');
    expect(() => account.withdraw(1)).toThrow('insufficient funds');
    expect(account.version).toBe(1);
    expect(account.uncommittedEvents).toHaveLength(1);
  });

  it('queues nothing and keeps the version when a handler throws', () => {
    type E = AggregateEvent<'Exploded', { why: string }>;
    class Fragile extends AggregateRoot<E> {
      readonly aggregateType = 'Fragile';
      protected readonly handlers: EventHandlers<E> = {
        Exploded: ({ why }) => {
          throw new Error(why);
        },
      };
      explode(): void {
        this.raise('Exploded', { why: 'boom' });
      }
    }
    const fragile = new Fragile('f-1');
    expect(() => fragile.explode()).toThrow('boom');
    expect(fragile.version).toBe(0);
    expect(fragile.uncommittedEvents).toEqual([]);
  });

  it('rejects data JSON cannot carry at raise time, before anything is applied', () => {
    type E = AggregateEvent<'Measured', { value: number }>;
    class Meter extends AggregateRoot<E> {
      readonly aggregateType = 'Meter';
      applied = 0;
      protected readonly handlers: EventHandlers<E> = {
        Measured: () => {
          this.applied++;
        },
      };
      measure(value: number): void {
        this.raise('Measured', { value });
      }
    }
    const meter = new Meter('m-1');
    expect(() => meter.measure(Number.NaN)).toThrow(InvalidArgumentError);
    expect(meter.applied).toBe(0);
    expect(meter.uncommittedEvents).toEqual([]);
  });

  it('keeps its own copy of raised data: later changes to shared state objects do not alter it', () => {
    type E = AggregateEvent<'ItemAdded', { item: { sku: string; quantity: number } }>;
    class Cart extends AggregateRoot<E> {
      readonly aggregateType = 'Cart';
      items: { sku: string; quantity: number }[] = [];
      protected readonly handlers: EventHandlers<E> = {
        ItemAdded: ({ item }) => {
          this.items.push(item);
        },
      };
      add(item: { sku: string; quantity: number }): void {
        this.raise('ItemAdded', { item });
      }
    }
    const cart = new Cart('c-1');
    const input = { sku: 'A', quantity: 1 };
    cart.add(input);
    cart.items[0]!.quantity = 99;
    expect(cart.uncommittedEvents[0]?.eventData).toEqual({ item: { sku: 'A', quantity: 1 } });
    // Nor does the state share structure with the caller's object.
    input.quantity = 7;
    expect(cart.items[0]).toEqual({ sku: 'A', quantity: 99 });
  });

  it('hands out a copy of the uncommitted events', () => {
    const account = new BankAccount('acc-1');
    account.open('Ada');
    (account.uncommittedEvents as unknown[]).length = 0;
    expect(account.uncommittedEvents).toHaveLength(1);
  });

  it('checks event types and data at compile time, and an unknown type loudly at run time', () => {
    class Loose extends BankAccount {
      raiseAnything(type: string): void {
        // @ts-expect-error: not an event type of BankAccountEvent
        this.raise(type, {});
      }
      raiseWrongData(): void {
        // @ts-expect-error: MoneyDeposited carries { amountCents, currency }
        this.raise('MoneyDeposited', { amount: 5 });
      }
    }
    const loose = new Loose('acc-1');
    expect(() => loose.raiseAnything('MoneyLaundered')).toThrow(UnknownEventTypeError);
    expect(loose.version).toBe(0);
  });
});

describe('AggregateRoot: replaying history', () => {
  it('rebuilds state and version from stored events, with nothing uncommitted', async () => {
    const events = await stored('acc-1', [opened(), deposited(300), deposited(200)]);
    const account = new BankAccount('acc-1');
    account.loadFromHistory(events);
    expect(account.balanceCents).toBe(500);
    expect(account.deposits).toBe(2);
    expect(account.version).toBe(3);
    expect(account.committedVersion).toBe(3);
    expect(account.uncommittedEvents).toEqual([]);
    expect(account.lastActivity).toBe(events[2]?.occurredAt.toISOString());
  });

  it('continues from where it stands when given the next events', async () => {
    const events = await stored('acc-1', [opened(), deposited(300), deposited(200)]);
    const account = new BankAccount('acc-1');
    account.loadFromHistory(events.slice(0, 1));
    account.loadFromHistory(events.slice(1));
    expect(account.balanceCents).toBe(500);
    expect(account.version).toBe(3);
  });

  it('fails loudly on a stored event type it has no handler for', async () => {
    const events = await stored('acc-1', [
      opened(),
      { eventType: 'InterestAccrued', eventData: { cents: 1 } },
    ]);
    const account = new BankAccount('acc-1');
    let error: unknown;
    try {
      account.loadFromHistory(events);
    } catch (e) {
      error = e;
    }
    expect(isUnknownEventTypeError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'UNKNOWN_EVENT_TYPE',
      aggregateType: 'BankAccount',
      eventType: 'InterestAccrued',
      eventId: events[1]?.eventId,
      version: 2,
    });
    expect(String((error as Error).message)).toContain('InterestAccrued');
  });

  it('does not take inherited object keys for handlers', async () => {
    for (const eventType of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const events = await stored('acc-1', [{ eventType, eventData: {} }]);
      expect(() => new BankAccount('acc-1').loadFromHistory(events)).toThrow(UnknownEventTypeError);
    }
  });

  it('rejects events out of sequence or from another stream', async () => {
    const events = await stored('acc-1', [opened(), deposited(1), deposited(2)]);
    expect(() => new BankAccount('acc-1').loadFromHistory([events[0]!, events[2]!])).toThrow(
      /events\[1\]\.version must be 2/,
    );
    expect(() => new BankAccount('acc-1').loadFromHistory(events.slice(1))).toThrow(InvalidArgumentError);
    expect(() => new BankAccount('acc-2').loadFromHistory(events)).toThrow(/belongs to BankAccount\/acc-1/);
    const otherType = await stored('acc-1', [opened()], 'Savings');
    expect(() => new BankAccount('acc-1').loadFromHistory(otherType)).toThrow(InvalidArgumentError);
  });

  it('refuses to load history over uncommitted events', async () => {
    const events = await stored('acc-1', [opened()]);
    const account = new BankAccount('acc-1');
    account.open('Bob');
    expect(() => account.loadFromHistory(events)).toThrow(/uncommitted/);
  });

  it('gives handlers the whole event for context', async () => {
    const occurredAt = new Date('2020-05-06T07:08:09.010Z');
    const events = await stored('acc-1', [{ ...opened(), occurredAt }]);
    const account = new BankAccount('acc-1');
    account.loadFromHistory(events);
    expect(account.lastActivity).toBe('2020-05-06T07:08:09.010Z');
  });
});

describe('AggregateRoot: committing', () => {
  it('markCommitted clears the queue and moves the committed version', () => {
    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(5);
    account.markCommitted();
    expect(account.uncommittedEvents).toEqual([]);
    expect(account.committedVersion).toBe(2);
    account.deposit(5);
    expect(account.version).toBe(3);
    expect(account.committedVersion).toBe(2);
    expect(account.uncommittedEvents[0]?.version).toBe(3);
  });
});

describe('AggregateRoot: snapshots', () => {
  const committed = (): BankAccount => {
    const account = new BankAccount('acc-1');
    account.open('Ada', 100);
    account.deposit(250);
    account.markCommitted();
    return account;
  };

  it('toSnapshot captures the committed state, version and snapshot schema version', () => {
    const createdAt = new Date('2024-01-01T00:00:00.000Z');
    const snapshot = committed().toSnapshot(createdAt);
    expect(snapshot).toEqual({
      aggregateType: 'BankAccount',
      aggregateId: 'acc-1',
      version: 2,
      schemaVersion: 1,
      createdAt,
      state: {
        owner: 'Ada',
        balanceCents: 250,
        overdraftLimitCents: 100,
        deposits: 1,
        closed: false,
        lastActivity: expect.any(String),
      },
    });
  });

  it('fromSnapshot restores state and version into a fresh aggregate', () => {
    const original = committed();
    const restored = new BankAccount('acc-1').fromSnapshot(original.toSnapshot());
    expect(restored.state()).toEqual(original.state());
    expect(restored.version).toBe(2);
    expect(restored.committedVersion).toBe(2);
    restored.deposit(1);
    expect(restored.uncommittedEvents[0]?.version).toBe(3);
  });

  it('refuses a snapshot of unsaved state, or of nothing', () => {
    const account = committed();
    account.deposit(1);
    expect(() => account.toSnapshot()).toThrow(/uncommitted/);
    expect(() => new BankAccount('acc-1').toSnapshot()).toThrow(/no events/);
  });

  it('refuses a snapshot of another stream, another schema version, or into a used aggregate', () => {
    const snapshot = committed().toSnapshot();
    expect(() => new BankAccount('acc-2').fromSnapshot(snapshot)).toThrow(InvalidArgumentError);
    expect(() => new BankAccount('acc-1').fromSnapshot({ ...snapshot, aggregateType: 'Savings' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new BankAccount('acc-1').fromSnapshot({ ...snapshot, schemaVersion: 2 })).toThrow(
      /schemaVersion is 2/,
    );
    expect(() => committed().fromSnapshot(snapshot)).toThrow(/fresh/);
  });

  it('says clearly that an aggregate without snapshot hooks does not support snapshots', () => {
    type E = AggregateEvent<'Noted', { text: string }>;
    class Notebook extends AggregateRoot<E> {
      readonly aggregateType = 'Notebook';
      protected readonly handlers: EventHandlers<E> = { Noted: () => {} };
      note(text: string): void {
        this.raise('Noted', { text });
      }
    }
    const notebook = new Notebook('n-1');
    notebook.note('hello');
    notebook.markCommitted();
    expect(() => notebook.toSnapshot()).toThrow(/Notebook does not support snapshots/);
    let error: unknown;
    try {
      new Notebook('n-1').fromSnapshot({
        ...committed().toSnapshot(),
        aggregateType: 'Notebook',
        aggregateId: 'n-1',
      });
    } catch (e) {
      error = e;
    }
    expect(isInvalidArgumentError(error)).toBe(false);
    expect(String(error)).toMatch(/does not support snapshots/);
  });
});
