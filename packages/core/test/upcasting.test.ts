import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createInMemoryEventStore,
  type DomainEvent,
  type EventStore,
  InvalidArgumentError,
  isUpcastError,
  type NewEvent,
  Repository,
  UpcastError,
  type Upcaster,
  UpcasterPipeline,
} from '../src/index';
import { BANK_ACCOUNT, BankAccount } from './support/bank-account';
import { bankAccountUpcasters, encode, type Operation } from './support/bank-account-upcasters';
import { assertProperty } from './support/property';

const account = { aggregateType: BANK_ACCOUNT, aggregateId: 'acc-1' };

/** A stored-looking event, as an adapter builds it before upcasting. */
function storedEvent(overrides: Partial<DomainEvent>): DomainEvent {
  return {
    eventId: 'evt-1',
    aggregateType: BANK_ACCOUNT,
    aggregateId: 'acc-1',
    eventType: 'MoneyDeposited',
    eventData: { amount: 12.5 },
    schemaVersion: 1,
    version: 4,
    position: 17n,
    occurredAt: new Date('2024-03-04T05:06:07.089Z'),
    userId: 'u-1',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    metadata: { ip: '10.0.0.1' },
    ...overrides,
  };
}

const legacyHistory: NewEvent[] = [
  { eventType: 'AccountOpened', schemaVersion: 1, eventData: { owner: 'Ada' } },
  { eventType: 'MoneyDeposited', schemaVersion: 1, eventData: { amount: 10 } },
  { eventType: 'MoneyDeposited', schemaVersion: 2, eventData: { amount: 2.5, currency: 'USD' } },
  { eventType: 'MoneyDeposited', schemaVersion: 3, eventData: { amountCents: 100, currency: 'USD' } },
  { eventType: 'FundsWithdrawn', schemaVersion: 1, eventData: { amount: 0.5 } },
];

/** What every read path must return for `legacyHistory`, in order. */
const upcastHistory = [
  { eventType: 'AccountOpened', schemaVersion: 2, eventData: { owner: 'Ada', overdraftLimitCents: 0 } },
  { eventType: 'MoneyDeposited', schemaVersion: 3, eventData: { amountCents: 1000, currency: 'USD' } },
  { eventType: 'MoneyDeposited', schemaVersion: 3, eventData: { amountCents: 250, currency: 'USD' } },
  { eventType: 'MoneyDeposited', schemaVersion: 3, eventData: { amountCents: 100, currency: 'USD' } },
  { eventType: 'MoneyWithdrawn', schemaVersion: 2, eventData: { amountCents: 50 } },
];

const shape = (e: DomainEvent) => ({
  eventType: e.eventType,
  schemaVersion: e.schemaVersion,
  eventData: e.eventData,
});

async function collect(events: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const result: DomainEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

/**
 * Every read path of the contract, each returning the events it reads for `legacyHistory`.
 *
 * The type-filtered paths filter on the upcast type: asking for 'MoneyWithdrawn' also finds the
 * events stored as 'FundsWithdrawn' before the rename.
 */
const wanted = new Set(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);
const readPaths: Record<string, { read: (store: EventStore) => Promise<DomainEvent[]>; filtered?: true }> = {
  getEvents: { read: (store) => store.getEvents(BANK_ACCOUNT, 'acc-1') },
  'readStream forward': { read: (store) => collect(store.readStream(account)) },
  'readStream backward': {
    read: async (store) => (await collect(store.readStream(account, { direction: 'backward' }))).reverse(),
  },
  getEventsByType: {
    read: async (store) =>
      [
        ...(await store.getEventsByType('AccountOpened')),
        ...(await store.getEventsByType('MoneyDeposited')),
        ...(await store.getEventsByType('MoneyWithdrawn')),
      ].sort((a, b) => a.version - b.version),
    filtered: true,
  },
  getAllEvents: { read: (store) => store.getAllEvents() },
  'getAllEvents by aggregate type': { read: (store) => store.getAllEvents(BANK_ACCOUNT) },
  readAll: { read: (store) => collect(store.readAll()) },
  'readAll paged, by aggregate type': {
    read: (store) => collect(store.readAll({ batchSize: 2, aggregateTypes: [BANK_ACCOUNT] })),
  },
  'readAll by event type': {
    read: (store) => collect(store.readAll({ eventTypes: [...wanted], batchSize: 3 })),
    filtered: true,
  },
};

describe('UpcasterPipeline', () => {
  const pipeline = new UpcasterPipeline(bankAccountUpcasters);

  it('chains V1 -> V2 -> V3 whatever order the steps were given in', () => {
    const v1 = storedEvent({ schemaVersion: 1, eventData: { amount: 12.5 } });
    expect(shape(pipeline.upcast(v1))).toEqual({
      eventType: 'MoneyDeposited',
      schemaVersion: 3,
      eventData: { amountCents: 1250, currency: 'USD' },
    });
    const v2 = storedEvent({ schemaVersion: 2, eventData: { amount: 1, currency: 'EUR' } });
    expect(shape(pipeline.upcast(v2))).toEqual({
      eventType: 'MoneyDeposited',
      schemaVersion: 3,
      eventData: { amountCents: 100, currency: 'EUR' },
    });
  });

  it('leaves the latest version and unknown types untouched (the very same object)', () => {
    const v3 = storedEvent({ schemaVersion: 3, eventData: { amountCents: 1, currency: 'USD' } });
    expect(pipeline.upcast(v3)).toBe(v3);
    const other = storedEvent({ eventType: 'AccountClosed', eventData: { reason: 'x' } });
    expect(pipeline.upcast(other)).toBe(other);
  });

  it('renames a type, and keeps chaining under the new name', () => {
    const renamed = pipeline.upcast(storedEvent({ eventType: 'FundsWithdrawn', eventData: { amount: 3 } }));
    expect(shape(renamed)).toEqual({
      eventType: 'MoneyWithdrawn',
      schemaVersion: 2,
      eventData: { amountCents: 300 },
    });

    const chained = new UpcasterPipeline([
      {
        eventType: 'OldName',
        fromSchemaVersion: 1,
        toEventType: 'NewName',
        toSchemaVersion: 1,
        upcast: (e) => e.eventData,
      },
      { eventType: 'NewName', fromSchemaVersion: 1, upcast: (e) => ({ wrapped: e.eventData }) },
    ]);
    expect(shape(chained.upcast(storedEvent({ eventType: 'OldName', eventData: 7 })))).toEqual({
      eventType: 'NewName',
      schemaVersion: 2,
      eventData: { wrapped: 7 },
    });
    expect(chained.storedEventTypesOf('NewName')).toEqual(['NewName', 'OldName']);
    expect(pipeline.storedEventTypesOf('MoneyWithdrawn')).toEqual(['MoneyWithdrawn', 'FundsWithdrawn']);
    expect(pipeline.storedEventTypesOf('MoneyDeposited')).toEqual(['MoneyDeposited']);
  });

  it('keeps everything but type, version and data, and gives each step the whole event', () => {
    const seen: DomainEvent[] = [];
    const spy = new UpcasterPipeline([
      {
        eventType: 'MoneyDeposited',
        fromSchemaVersion: 1,
        upcast: (e) => {
          seen.push(e);
          return { amount: (e.eventData as { amount: number }).amount, at: e.occurredAt.toISOString() };
        },
      },
    ]);
    const original = storedEvent({});
    const result = spy.upcast(original);
    expect(seen[0]).toEqual(original);
    const { eventData, schemaVersion, ...rest } = result;
    const { eventData: _d, schemaVersion: _s, ...originalRest } = original;
    expect(rest).toEqual(originalRest);
    expect(schemaVersion).toBe(2);
    expect(eventData).toEqual({ amount: 12.5, at: '2024-03-04T05:06:07.089Z' });
  });

  it('turns a throwing step into an UpcastError naming the event, the type and the version', () => {
    const cause = new Error('currency unknown');
    const failing = new UpcasterPipeline([
      ...bankAccountUpcasters.filter((u) => !(u.eventType === 'MoneyDeposited' && u.fromSchemaVersion === 2)),
      {
        eventType: 'MoneyDeposited',
        fromSchemaVersion: 2,
        upcast: () => {
          throw cause;
        },
      },
    ]);
    let error: unknown;
    try {
      failing.upcast(storedEvent({ eventId: 'evt-42', schemaVersion: 1 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UpcastError);
    expect(isUpcastError(error)).toBe(true);
    expect(error).toMatchObject({
      eventId: 'evt-42',
      eventType: 'MoneyDeposited',
      fromSchemaVersion: 2,
      cause,
    });
    expect((error as Error).message).toContain('evt-42');
    expect((error as Error).message).toContain('currency unknown');
  });

  it('reports a step that returns nothing (a forgotten return) as an UpcastError', () => {
    const forgetful = new UpcasterPipeline([
      {
        eventType: 'MoneyDeposited',
        fromSchemaVersion: 1,
        upcast: (e) => {
          ({ ...(e.eventData as object), currency: 'USD' });
        },
      } as Upcaster,
    ]);
    expect(() => forgetful.upcast(storedEvent({}))).toThrow(/returned undefined/);
  });

  it('rejects a duplicate step, a cycle and a malformed step when built', () => {
    const step = (eventType: string, from: number, extra: Partial<Upcaster> = {}): Upcaster => ({
      eventType,
      fromSchemaVersion: from,
      upcast: (e) => e.eventData,
      ...extra,
    });
    const cases: [unknown, RegExp][] = [
      [[step('A', 1), step('B', 1), step('A', 1)], /upcasters\[2\] duplicates the step from A v1/],
      [[step('A', 1), step('A', 2, { toSchemaVersion: 1 })], /cycle/],
      [
        [
          step('A', 1, { toEventType: 'B', toSchemaVersion: 1 }),
          step('B', 1, { toEventType: 'C', toSchemaVersion: 1 }),
          step('C', 1, { toEventType: 'A', toSchemaVersion: 1 }),
        ],
        /cycle/,
      ],
      [[step('A', 3, { toSchemaVersion: 3 })], /leads from a version to itself/],
      [[step('', 1)], /eventType/],
      [[step('A', 0)], /fromSchemaVersion/],
      [[step('A', 1, { toSchemaVersion: -1 })], /toSchemaVersion/],
      [[{ eventType: 'A', fromSchemaVersion: 1 }], /upcasters\[0\]/],
      [[null], /upcasters\[0\]/],
      [{ eventType: 'A', fromSchemaVersion: 1, upcast: () => 1 }, /must be an array/],
    ];
    for (const [upcasters, message] of cases) {
      let error: unknown;
      try {
        new UpcasterPipeline(upcasters as Upcaster[]);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    // A long chain that ends is not a cycle.
    expect(
      () => new UpcasterPipeline([step('A', 1), step('A', 2), step('A', 3), step('A', 5)]),
    ).not.toThrow();
    // The store factory rejects them too.
    expect(() => createInMemoryEventStore({ upcasters: [step('A', 1), step('A', 1)] })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('upcasting in the in-memory store', () => {
  async function legacyStore(upcasters: readonly Upcaster[] | UpcasterPipeline = bankAccountUpcasters) {
    const store = createInMemoryEventStore({ upcasters });
    await store.append(account, 'no_stream', legacyHistory);
    // Another stream's events must be upcast too, and must not leak into stream reads.
    await store.append({ aggregateType: 'Other', aggregateId: 'o-1' }, 'no_stream', [
      { eventType: 'Noted', eventData: { text: 'hi' } },
    ]);
    return store;
  }

  it('filters by the upcast type: a renamed type is found by its new name, not its old one', async () => {
    const store = await legacyStore();
    const renamed = await store.getEventsByType('MoneyWithdrawn');
    expect(renamed.map(shape)).toEqual([upcastHistory[4]]);
    expect(await store.getEventsByType('FundsWithdrawn')).toEqual([]);
    expect(
      (await collect(store.readAll({ eventTypes: ['MoneyWithdrawn'], batchSize: 1 }))).map(shape),
    ).toEqual([upcastHistory[4]]);
    expect(await collect(store.readAll({ eventTypes: ['FundsWithdrawn'] }))).toEqual([]);
  });

  for (const [name, { read, filtered }] of Object.entries(readPaths)) {
    it(`upcasts on ${name}`, async () => {
      const store = await legacyStore();
      const events = (await read(store)).filter((e) => e.aggregateType === BANK_ACCOUNT);
      const expected = filtered ? upcastHistory.filter((e) => wanted.has(e.eventType)) : upcastHistory;
      expect(events.map(shape)).toEqual(expected);
      expect(events.length).toBeGreaterThanOrEqual(4);
    });

    it(`surfaces a throwing step as UpcastError on ${name}`, async () => {
      const store = await legacyStore([
        {
          eventType: 'MoneyDeposited',
          fromSchemaVersion: 1,
          upcast: () => {
            throw new Error('no exchange rate');
          },
        },
      ]);
      const error = await read(store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpcastError);
      expect(error).toMatchObject({ eventType: 'MoneyDeposited', fromSchemaVersion: 1 });
      expect((error as Error).message).toContain('no exchange rate');
    });
  }

  it('accepts a prebuilt UpcasterPipeline', async () => {
    const store = await legacyStore(new UpcasterPipeline(bankAccountUpcasters));
    expect((await store.getEvents(BANK_ACCOUNT, 'acc-1')).map(shape)).toEqual(upcastHistory);
  });

  it('never rewrites stored events: every read upcasts afresh, even when a step mutates its input', async () => {
    let calls = 0;
    const vandal: Upcaster = {
      eventType: 'MoneyDeposited',
      fromSchemaVersion: 1,
      upcast: (e) => {
        calls++;
        const data = e.eventData as { amount: number; vandalised?: boolean };
        data.vandalised = true;
        data.amount *= 2;
        return { amount: data.amount, currency: 'USD' };
      },
    };
    const store = await legacyStore([vandal]);
    const first = await store.getEvents(BANK_ACCOUNT, 'acc-1');
    const second = await store.getEvents(BANK_ACCOUNT, 'acc-1');
    expect(calls).toBe(2);
    expect(first[1]).toMatchObject({ schemaVersion: 2, eventData: { amount: 20, currency: 'USD' } });
    expect(second[1]).toEqual(first[1]);
    // Still v1 with its original data in storage: the next read runs the step on it again.
    await collect(store.readAll());
    expect(calls).toBe(3);
  });

  it('lets a repository load a legacy history into today\u2019s aggregate', async () => {
    const store = await legacyStore();
    const loaded = await new Repository(store, { create: (id) => new BankAccount(id) }).get('acc-1');
    expect(loaded.balanceCents).toBe(1000 + 250 + 100 - 50);
    expect(loaded.deposits).toBe(3);
    expect(loaded.version).toBe(5);
  });

  it('without the upcasters, today\u2019s aggregate refuses the old type loudly instead of guessing', async () => {
    const store = await legacyStore([]);
    await expect(
      new Repository(store, { create: (id) => new BankAccount(id) }).get('acc-1'),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_EVENT_TYPE',
      eventType: 'FundsWithdrawn',
    });
  });
});

describe('random V1/V2/V3 histories upcast to the native V3 state (property)', () => {
  const operationArb: fc.Arbitrary<Operation> = fc.oneof(
    fc.record({
      kind: fc.constant('deposit' as const),
      cents: fc.integer({ min: 1, max: 1_000_000 }),
      encoding: fc.constantFrom(1 as const, 2 as const, 3 as const),
    }),
    fc.record({
      kind: fc.constant('withdraw' as const),
      cents: fc.integer({ min: 1, max: 1_000_000 }),
      encoding: fc.constantFrom(1 as const, 2 as const),
    }),
  );

  it('loads the same state, and reads the same events on every path', async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.array(operationArb, { maxLength: 30 }),
        fc.boolean(),
        async (operations, openedV1) => {
          // Only operations a real account would have accepted (no overdraft).
          let balance = 0;
          const valid = operations.filter((op) => {
            if (op.kind === 'withdraw' && op.cents > balance) return false;
            balance += op.kind === 'deposit' ? op.cents : -op.cents;
            return true;
          });
          const start = Date.UTC(2024, 0, 1);
          const at = (i: number) => new Date(start + i * 60_000);
          const legacy: NewEvent[] = [
            {
              eventType: 'AccountOpened',
              schemaVersion: openedV1 ? 1 : 2,
              eventData: openedV1 ? { owner: 'Ada' } : { owner: 'Ada', overdraftLimitCents: 0 },
              occurredAt: at(0),
            },
            ...valid.map((op, i) => ({ ...encode(op), occurredAt: at(i + 1) })),
          ];
          const native: NewEvent[] = [
            {
              eventType: 'AccountOpened',
              schemaVersion: 2,
              eventData: { owner: 'Ada', overdraftLimitCents: 0 },
              occurredAt: at(0),
            },
            ...valid.map((op, i) => ({
              ...encode(op.kind === 'deposit' ? { ...op, encoding: 3 } : { ...op, encoding: 2 }),
              occurredAt: at(i + 1),
            })),
          ];
          const legacyStore = createInMemoryEventStore({ upcasters: bankAccountUpcasters });
          const nativeStore = createInMemoryEventStore();
          await legacyStore.append(account, 'no_stream', legacy);
          await nativeStore.append(account, 'no_stream', native);

          const load = (store: EventStore) =>
            new Repository(store, { create: (id) => new BankAccount(id) }).get('acc-1');
          const [fromLegacy, fromNative] = await Promise.all([load(legacyStore), load(nativeStore)]);
          expect(fromLegacy.state()).toEqual(fromNative.state());
          expect(fromLegacy.version).toBe(fromNative.version);
          expect(fromLegacy.balanceCents).toBe(balance);
          for (const { read } of Object.values(readPaths)) {
            expect((await read(legacyStore)).map(shape)).toEqual((await read(nativeStore)).map(shape));
          }
        },
      ),
      'V1/V2/V3 histories = native V3',
      40,
    );
  });
});
