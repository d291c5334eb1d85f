import type { DomainEvent, NewEvent, ReadWriteEventStore, StreamRef } from '@chronicle/core';
import { expect } from 'vitest';
import { account, collect, newEvent } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/** Reads `stream` through every read path and asserts each returns the same events. */
async function readEverywhere(store: ReadWriteEventStore, stream: StreamRef): Promise<DomainEvent[]> {
  const byGetEvents = await store.getEvents(stream.aggregateType, stream.aggregateId);
  const paths: Record<string, DomainEvent[]> = {
    readStream: await collect(store.readStream(stream)),
    'readStream backward': (await collect(store.readStream(stream, { direction: 'backward' }))).reverse(),
    getAllEvents: (await store.getAllEvents(stream.aggregateType)).filter(
      (e) => e.aggregateId === stream.aggregateId,
    ),
    readAll: (await collect(store.readAll({ aggregateTypes: [stream.aggregateType] }))).filter(
      (e) => e.aggregateId === stream.aggregateId,
    ),
  };
  for (const [path, events] of Object.entries(paths)) {
    expect(events, `${path} must return what getEvents returns`).toEqual(byGetEvents);
  }
  const types = [...new Set(byGetEvents.map((e) => e.eventType))];
  for (const type of types) {
    const byType = (await store.getEventsByType(type)).filter(
      (e) => e.aggregateType === stream.aggregateType && e.aggregateId === stream.aggregateId,
    );
    expect(byType, `getEventsByType('${type}')`).toEqual(byGetEvents.filter((e) => e.eventType === type));
  }
  return byGetEvents;
}

/** Appends `data` as one event each and asserts it reads back equal on every read path. */
async function expectDataRoundTrip(store: ReadWriteEventStore, data: readonly unknown[]): Promise<void> {
  const stream = account('round-trip');
  await store.append(
    stream,
    'no_stream',
    data.map((d) => newEvent('Recorded', d)),
  );
  const events = await readEverywhere(store, stream);
  expect(events.map((e) => e.eventData)).toEqual(data);
}

/** Contract rule 8 (`docs/contract.md`): what was appended reads back equal. */
export const roundTripTests = defineSuite('round-trip', [
  {
    name: 'every field reads back as written on every read path',
    async run({ store }) {
      const occurredAt = new Date('2024-05-06T07:08:09.123Z');
      const full: NewEvent = {
        eventId: 'd7b2a3c4-0000-4000-8000-000000000001',
        eventType: 'MoneyDeposited',
        eventData: { amount: 125.5, currency: 'EUR' },
        schemaVersion: 3,
        occurredAt,
        userId: 'user-7',
        correlationId: 'corr-1',
        causationId: 'cmd-9',
        metadata: { ip: '10.0.0.1', tags: ['a', 'b'], nested: { ok: true, n: null } },
      };
      const minimal = newEvent('MoneyWithdrawn', { amount: 3 });
      await store.append(account(), 'no_stream', [full, minimal]);
      const [first, second] = await readEverywhere(store, account());
      expect(first).toMatchObject({
        eventId: full.eventId,
        aggregateType: 'BankAccount',
        aggregateId: 'acc-1',
        eventType: 'MoneyDeposited',
        eventData: { amount: 125.5, currency: 'EUR' },
        schemaVersion: 3,
        version: 1,
        userId: 'user-7',
        correlationId: 'corr-1',
        causationId: 'cmd-9',
        metadata: { ip: '10.0.0.1', tags: ['a', 'b'], nested: { ok: true, n: null } },
      });
      expect(first!.occurredAt).toBeInstanceOf(Date);
      expect(first!.occurredAt.getTime()).toBe(occurredAt.getTime());
      expect(second).toMatchObject({
        eventId: minimal.eventId,
        eventType: 'MoneyWithdrawn',
        schemaVersion: 1,
        version: 2,
      });
      for (const key of ['userId', 'correlationId', 'causationId', 'metadata'] as const) {
        expect(second![key], `${key} was not given, so it reads back undefined`).toBeUndefined();
      }
    },
  },
  {
    name: 'defaults are filled in: a fresh event id, schema version 1, occurredAt now',
    async run({ store }) {
      const before = Date.now();
      await store.append(account(), 'no_stream', [
        { eventType: 'MoneyDeposited', eventData: { n: 1 } },
        { eventType: 'MoneyDeposited', eventData: { n: 2 } },
      ]);
      const after = Date.now();
      const events = await store.getEvents('BankAccount', 'acc-1');
      expect(events).toHaveLength(2);
      for (const event of events) {
        expect(typeof event.eventId).toBe('string');
        expect(event.eventId.length).toBeGreaterThan(0);
        expect(event.schemaVersion).toBe(1);
        expect(event.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(event.occurredAt.getTime()).toBeLessThanOrEqual(after);
      }
      expect(events[0]!.eventId).not.toBe(events[1]!.eventId);
    },
  },
  {
    name: 'unicode survives in data, metadata and identifiers',
    async run({ store }) {
      const text = 'Grüße, Zürich — 東京 🚀 👩‍👩‍👧 ﷺ עברית e\u0301 \t\n"\'\\ \u2028\u2029 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
      const stream = { aggregateType: 'Kонто-口座', aggregateId: 'ID-ñ-🚀-東京' };
      const event = newEvent(
        'Überwiesen-✓',
        { text, [text]: text, list: [text] },
        {
          eventId: 'événement-🎉-1',
          userId: 'ユーザー',
          metadata: { note: text },
        },
      );
      await store.append(stream, 'no_stream', [event]);
      const [read] = await readEverywhere(store, stream);
      expect(read).toMatchObject({
        eventId: 'événement-🎉-1',
        aggregateType: stream.aggregateType,
        aggregateId: stream.aggregateId,
        eventType: 'Überwiesen-✓',
        eventData: { text, [text]: text, list: [text] },
        userId: 'ユーザー',
        metadata: { note: text },
      });
      expect(await store.getStreamVersion(stream)).toBe(1);
    },
  },
  {
    name: 'deeply nested data reads back equal',
    async run({ store }) {
      let deep: unknown = { leaf: [1, 'two', null, true, { x: -0.5 }] };
      for (let i = 0; i < 40; i++) deep = { level: i, child: deep, siblings: [i, [i, [i]]] };
      const orders = {
        items: Array.from({ length: 200 }, (_, i) => ({ sku: `sku-${i}`, qty: i, tags: [`t${i % 7}`] })),
      };
      await expectDataRoundTrip(store, [deep, orders]);
    },
  },
  {
    name: 'a 1 MB payload reads back equal',
    async run({ store }) {
      const chunk = 'Chronicle ✓ event store — ';
      const big = {
        text: chunk.repeat(Math.ceil(1_048_576 / chunk.length)).slice(0, 1_048_576),
        rows: Array.from({ length: 2000 }, (_, i) => ({ i, label: `row ${i}` })),
      };
      expect(JSON.stringify(big).length).toBeGreaterThan(1_048_576);
      await expectDataRoundTrip(store, [big]);
    },
  },
  {
    name: 'edge JSON values read back equal',
    async run({ store }) {
      await expectDataRoundTrip(store, [
        {},
        [],
        null,
        0,
        -17.25,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_SAFE_INTEGER,
        1e-300,
        1.5e300,
        0.1,
        true,
        false,
        '',
        'plain string',
        [null, null],
        [[], {}, [[]], [{}]],
        { a: null, b: [], c: {}, d: '', e: 0, f: false },
        { 'key with spaces': 1, 'dotted.key': 2, 'quote"key': 3, '': 4, '0': 5, ünïcödé: 6 },
      ]);
    },
  },
  {
    name: 'object properties holding undefined are dropped, as JSON drops them',
    async run({ store }) {
      await store.append(account(), 'no_stream', [newEvent('Recorded', { kept: 1, dropped: undefined })]);
      const [event] = await store.getEvents('BankAccount', 'acc-1');
      expect(event!.eventData).toEqual({ kept: 1 });
      expect(Object.keys(event!.eventData as object)).toEqual(['kept']);
    },
  },
  {
    name: 'occurredAt reads back to the millisecond',
    async run({ store }) {
      const dates = [
        '2024-02-29T23:59:59.999Z',
        '1970-01-01T00:00:00.001Z',
        '1969-12-31T23:59:59.999Z',
        '2000-01-01T00:00:00.000Z',
        '2038-01-19T03:14:08.500Z',
        '2999-12-31T23:59:59.123Z',
      ].map((iso) => new Date(iso));
      await store.append(
        account(),
        'no_stream',
        dates.map((occurredAt, i) => newEvent('Recorded', { i }, { occurredAt })),
      );
      const events = await readEverywhere(store, account());
      expect(events.map((e) => e.occurredAt.toISOString())).toEqual(dates.map((d) => d.toISOString()));
    },
  },
  {
    name: 'the store keeps its own copy: mutating input or output changes nothing stored',
    async run({ store }) {
      const data = { list: [1, 2], nested: { value: 'original' } };
      const metadata: Record<string, unknown> = { tag: 'original' };
      await store.append(account(), 'no_stream', [newEvent('Recorded', data, { metadata })]);
      data.list.push(3);
      data.nested.value = 'changed';
      metadata.tag = 'changed';
      const [read] = await store.getEvents('BankAccount', 'acc-1');
      expect(read!.eventData).toEqual({ list: [1, 2], nested: { value: 'original' } });
      (read!.eventData as { nested: { value: string } }).nested.value = 'mutated by a reader';
      (read!.metadata as Record<string, unknown>).tag = 'mutated by a reader';
      const [again] = await store.getEvents('BankAccount', 'acc-1');
      expect(again!.eventData).toEqual({ list: [1, 2], nested: { value: 'original' } });
      expect(again!.metadata).toEqual({ tag: 'original' });
    },
  },
]);
