import {
  type DomainEvent,
  type EventTypeRegistry,
  EventValidationError,
  type EventViolation,
  type ReadWriteEventStore,
  type StreamRef,
  type Upcaster,
} from '@chronicle/core';
import type { PreparedEvent } from '@chronicle/core/adapter';
import { expect } from 'vitest';
import { expectRejectedAndNothingWritten, expectStoreError } from '../support/expect-error';
import { account, collect, newEvent, order } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/** Every read path of the contract, for the events of one stream. */
async function readPaths(
  store: ReadWriteEventStore,
  stream: StreamRef,
  eventType: string,
): Promise<Record<string, DomainEvent[]>> {
  const mine = (e: DomainEvent) =>
    e.aggregateType === stream.aggregateType && e.aggregateId === stream.aggregateId;
  return {
    getEvents: await store.getEvents(stream.aggregateType, stream.aggregateId),
    readStream: await collect(store.readStream(stream)),
    'readStream backward': (await collect(store.readStream(stream, { direction: 'backward' }))).reverse(),
    getEventsByType: (await store.getEventsByType(eventType)).filter(mine),
    getAllEvents: (await store.getAllEvents()).filter(mine),
    readAll: (await collect(store.readAll({ batchSize: 1 }))).filter(mine),
  };
}

/** `PriceSet` v1 `{ amount }` → v2 `{ amount, currency }` → v3 `{ amount: { value, currency } }`. */
const priceUpcasters: Upcaster[] = [
  {
    eventType: 'PriceSet',
    fromSchemaVersion: 1,
    upcast: (event) => ({ ...(event.eventData as { amount: number }), currency: 'EUR' }),
  },
  {
    eventType: 'PriceSet',
    fromSchemaVersion: 2,
    upcast: (event) => {
      const data = event.eventData as { amount: number; currency: string };
      if (data.amount < 0) throw new Error('a negative price cannot be upcast');
      return { amount: { value: data.amount, currency: data.currency } };
    },
  },
];

/**
 * A minimal registry, written against the `EventTypeRegistry` interface only: `Deposited` needs a
 * positive `amount`, and only `BankAccount` streams may raise it.
 */
function depositRegistry(
  calls: { stream: StreamRef; events: readonly PreparedEvent[] }[],
): EventTypeRegistry {
  return {
    definitions: () => [
      {
        eventType: 'Deposited',
        aggregateType: 'BankAccount',
        schemaVersion: 1,
        schema: {
          type: 'object',
          required: ['amount'],
          properties: { amount: { type: 'number', exclusiveMinimum: 0 } },
        },
        description: 'Money was paid into the account.',
      },
    ],
    validate(stream, events) {
      calls.push({ stream, events });
      const violations: EventViolation[] = [];
      events.forEach((event, index) => {
        if (event.eventType !== 'Deposited') return;
        if (stream.aggregateType !== 'BankAccount') {
          violations.push({
            index,
            eventType: event.eventType,
            path: '',
            message: `not raised by ${stream.aggregateType}`,
          });
        }
        const amount = (event.eventData as { amount?: unknown } | null)?.amount;
        if (typeof amount !== 'number' || amount <= 0) {
          violations.push({
            index,
            eventType: event.eventType,
            path: '/amount',
            message: 'must be a positive number',
          });
        }
      });
      if (violations.length > 0) throw new EventValidationError(violations);
    },
  };
}

/**
 * The factory's `{ upcasters, registry, clock }` options, proved through the adapter itself (the
 * "Store options" section of `docs/contract.md`).
 */
export const storeOptionsTests = defineSuite('store-options', [
  {
    name: 'upcasters apply on every read path',
    requires: ['storeOptions'],
    async run({ openStore }) {
      const store = await openStore({ upcasters: priceUpcasters });
      await store.append(account(), 'no_stream', [
        newEvent('PriceSet', { amount: 5 }),
        newEvent('PriceSet', { amount: 6, currency: 'USD' }, { schemaVersion: 2 }),
        newEvent('PriceSet', { amount: { value: 7, currency: 'GBP' } }, { schemaVersion: 3 }),
        newEvent('Noted', { text: 'untouched' }),
      ]);
      for (const [path, events] of Object.entries(await readPaths(store, account(), 'PriceSet'))) {
        const prices = events.filter((e) => e.eventType === 'PriceSet');
        expect(
          prices.map((e) => [e.schemaVersion, e.eventData]),
          `${path} returns upcast events`,
        ).toEqual([
          [3, { amount: { value: 5, currency: 'EUR' } }],
          [3, { amount: { value: 6, currency: 'USD' } }],
          [3, { amount: { value: 7, currency: 'GBP' } }],
        ]);
        expect(
          prices.map((e) => e.version),
          `${path} keeps versions`,
        ).toEqual([1, 2, 3]);
      }
    },
  },
  {
    name: 'an upcaster may rename the event type on every read path',
    requires: ['storeOptions'],
    async run({ openStore }) {
      const store = await openStore({
        upcasters: [
          {
            eventType: 'OrderMade',
            fromSchemaVersion: 1,
            toEventType: 'OrderPlaced',
            upcast: (e) => e.eventData,
          },
        ],
      });
      await store.append(order(), 'no_stream', [newEvent('OrderMade', { total: 3 })]);
      const paths = {
        getEvents: await store.getEvents('Order', 'order-1'),
        readStream: await collect(store.readStream(order())),
        getAllEvents: await store.getAllEvents('Order'),
        readAll: await collect(store.readAll()),
      };
      for (const [path, events] of Object.entries(paths)) {
        expect(
          events.map((e) => [e.eventType, e.schemaVersion, e.eventData]),
          path,
        ).toEqual([['OrderPlaced', 2, { total: 3 }]]);
      }
    },
  },
  {
    name: 'event type filters see the upcast type: a renamed type is found by its new name only',
    requires: ['storeOptions'],
    async run({ openStore }) {
      const store = await openStore({
        upcasters: [
          {
            eventType: 'OrderMade',
            fromSchemaVersion: 1,
            toEventType: 'OrderPlaced',
            upcast: (e) => e.eventData,
          },
        ],
      });
      await store.append(order('a'), 'no_stream', [newEvent('OrderMade', { n: 1 })]);
      await store.append(order('b'), 'no_stream', [newEvent('OrderPlaced', { n: 2 }, { schemaVersion: 2 })]);
      await store.append(order('a'), 1, [
        newEvent('OrderMade', { n: 3 }),
        newEvent('OrderShipped', { n: 4 }),
      ]);
      const data = (events: readonly DomainEvent[]) => events.map((e) => [e.eventType, e.eventData]);
      const placed = [
        ['OrderPlaced', { n: 1 }],
        ['OrderPlaced', { n: 2 }],
        ['OrderPlaced', { n: 3 }],
      ];
      expect(data(await store.getEventsByType('OrderPlaced')), "getEventsByType('OrderPlaced')").toEqual(
        placed,
      );
      expect(await store.getEventsByType('OrderMade'), 'the old name reads as nothing').toEqual([]);
      for (const batchSize of [1, 500]) {
        expect(
          data(await collect(store.readAll({ eventTypes: ['OrderPlaced'], batchSize }))),
          `readAll batch ${batchSize}`,
        ).toEqual(placed);
        expect(await collect(store.readAll({ eventTypes: ['OrderMade'], batchSize }))).toEqual([]);
      }
      expect(data(await collect(store.readAll({ eventTypes: ['OrderShipped', 'OrderPlaced'] })))).toEqual([
        ...placed.slice(0, 2),
        ['OrderPlaced', { n: 3 }],
        ['OrderShipped', { n: 4 }],
      ]);
    },
  },
  {
    name: 'an upcaster that throws surfaces as UpcastError',
    requires: ['storeOptions'],
    async run({ openStore }) {
      const store = await openStore({ upcasters: priceUpcasters });
      await store.append(account(), 'no_stream', [newEvent('PriceSet', { amount: -1 })]);
      const error = await expectStoreError(
        () => store.getEvents('BankAccount', 'acc-1'),
        'UPCAST',
        'reading an event its upcaster rejects',
      );
      expect(error.fromSchemaVersion).toBe(2);
      await expectStoreError(
        () => collect(store.readAll()),
        'UPCAST',
        'readAll over an event its upcaster rejects',
      );
    },
  },
  {
    name: 'the registry validates every append; a violation writes nothing',
    requires: ['storeOptions'],
    async run({ openStore }) {
      const calls: { stream: StreamRef; events: readonly PreparedEvent[] }[] = [];
      const store = await openStore({ registry: depositRegistry(calls) });
      await store.append(account(), 'no_stream', [
        newEvent('Deposited', { amount: 10 }),
        newEvent('Noted', {}),
      ]);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.stream).toMatchObject(account());
      expect(calls[0]!.events.map((e) => [e.eventType, e.schemaVersion, typeof e.eventId])).toEqual([
        ['Deposited', 1, 'string'],
        ['Noted', 1, 'string'],
      ]);
      const error = await expectRejectedAndNothingWritten(
        store,
        () =>
          store.append(account(), 2, [
            newEvent('Deposited', { amount: 5 }),
            newEvent('Deposited', { amount: -5 }),
            newEvent('Deposited', { note: 'no amount' }),
          ]),
        'EVENT_VALIDATION',
        'an append with two invalid deposits',
      );
      expect(error.violations.map((v) => [v.index, v.path])).toEqual([
        [1, '/amount'],
        [2, '/amount'],
      ]);
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(order(), 'no_stream', [newEvent('Deposited', { amount: 1 })]),
        'EVENT_VALIDATION',
        'a deposit raised by an Order',
      );
      expect(await store.getStreamVersion(account())).toBe(2);
    },
  },
  {
    name: 'the clock option stamps events that carry no occurredAt',
    requires: ['storeOptions'],
    async run({ openStore }) {
      const now = new Date('2030-06-15T12:34:56.789Z');
      const store = await openStore({ clock: () => new Date(now.getTime()) });
      const given = new Date('2020-01-01T00:00:00.001Z');
      await store.append(account(), 'no_stream', [
        { eventType: 'Noted', eventData: {} },
        { eventType: 'Noted', eventData: {}, occurredAt: given },
      ]);
      const events = await store.getEvents('BankAccount', 'acc-1');
      expect(events.map((e) => e.occurredAt.toISOString())).toEqual([now.toISOString(), given.toISOString()]);
    },
  },
]);
