import { randomUUID } from 'node:crypto';
import {
  type ExpectedVersion,
  MAX_JSON_DEPTH,
  type NewEvent,
  type ReadWriteEventStore,
  type StreamRef,
} from '@chronicle/core';
import { expect } from 'vitest';
import { expectRejectedAndNothingWritten, expectStoreError } from '../support/expect-error';
import { account, collect, newEvent, newEvents } from '../support/fixtures';
import { defineSuite } from '../test-definition';

const TOO_LONG = 'x'.repeat(256);
const LONGEST = 'y'.repeat(255);

/** Seeds a stream at version 2 so "nothing written" also covers existing streams. */
async function seeded(store: ReadWriteEventStore): Promise<void> {
  await store.append(account(), 'no_stream', newEvents(2));
}

/** Asserts an append fails with INVALID_ARGUMENT and leaves the log untouched. */
async function rejects(
  store: ReadWriteEventStore,
  what: string,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<void> {
  await expectRejectedAndNothingWritten(
    store,
    () => store.append(stream, expectedVersion, events),
    'INVALID_ARGUMENT',
    `an append with ${what}`,
  );
}

/** A value whose fields are read but never typed: how a JavaScript caller passes bad input. */
const unchecked = <T>(value: unknown): T => value as T;

const circular = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
};

/** Objects and arrays alternating, `levels` deep (a top-level object is level 1; the outermost is an object). */
const nested = (levels: number): Record<string, unknown> => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 === levels % 2 ? [value] : { next: value };
  return value as Record<string, unknown>;
};

/** Contract rule 9 (`docs/contract.md`): bad input gets a typed error and writes nothing. */
export const badInputTests = defineSuite('bad-input', [
  {
    name: 'empty, blank or over-long stream identifiers are rejected',
    async run({ store }) {
      await seeded(store);
      const streams: [string, StreamRef][] = [
        ['an empty aggregate type', { aggregateType: '', aggregateId: 'acc-1' }],
        ['a blank aggregate type', { aggregateType: '   ', aggregateId: 'acc-1' }],
        ['an empty aggregate id', { aggregateType: 'BankAccount', aggregateId: '' }],
        ['a blank aggregate id', { aggregateType: 'BankAccount', aggregateId: ' \t' }],
        ['a 256-character aggregate type', { aggregateType: TOO_LONG, aggregateId: 'acc-1' }],
        ['a 256-character aggregate id', { aggregateType: 'BankAccount', aggregateId: TOO_LONG }],
        ['a non-string aggregate id', unchecked({ aggregateType: 'BankAccount', aggregateId: 42 })],
        ['no stream at all', unchecked(null)],
      ];
      for (const [what, stream] of streams) await rejects(store, what, stream, 'any', newEvents(1));
    },
  },
  {
    name: 'identifiers of exactly 255 characters are accepted',
    async run({ store }) {
      const stream = { aggregateType: LONGEST, aggregateId: LONGEST };
      await store.append(stream, 'no_stream', [newEvent(LONGEST, { ok: true }, { eventId: LONGEST })]);
      const [event] = await store.getEvents(LONGEST, LONGEST);
      expect(event).toMatchObject({
        aggregateType: LONGEST,
        aggregateId: LONGEST,
        eventType: LONGEST,
        eventId: LONGEST,
      });
    },
  },
  {
    name: 'a negative, fractional, NaN, infinite or unknown expected version is rejected',
    async run({ store }) {
      await seeded(store);
      const versions: unknown[] = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 'latest', '2', null, 2n];
      for (const version of versions) {
        await rejects(
          store,
          `expected version ${String(version)}`,
          account(),
          unchecked(version),
          newEvents(1),
        );
      }
    },
  },
  {
    name: 'bad arguments are rejected even when there are no events to append',
    async run({ store }) {
      await seeded(store);
      await rejects(store, 'no events and expected version -1', account(), unchecked(-1), []);
      await rejects(
        store,
        'no events and a blank aggregate id',
        { aggregateType: 'BankAccount', aggregateId: ' ' },
        'any',
        [],
      );
    },
  },
  {
    name: 'an empty, blank or over-long event type is rejected',
    async run({ store }) {
      await seeded(store);
      for (const [what, eventType] of [
        ['an empty event type', ''],
        ['a blank event type', '  '],
        ['a 256-character event type', TOO_LONG],
        ['a missing event type', undefined],
      ] as const) {
        await rejects(store, what, account(), 2, [unchecked({ eventType, eventData: {} })]);
      }
    },
  },
  {
    name: 'data JSON cannot carry faithfully is rejected',
    async run({ store }) {
      await seeded(store);
      const cases: [string, unknown][] = [
        ['undefined data', undefined],
        ['a BigInt', 10n],
        ['a nested BigInt', { amount: 10n }],
        ['a function', () => 1],
        ['a nested function', { run: () => 1 }],
        ['a circular reference', circular()],
        ['NaN', Number.NaN],
        ['a nested NaN', { amount: Number.NaN }],
        ['Infinity', Number.POSITIVE_INFINITY],
        ['a nested -Infinity', [1, Number.NEGATIVE_INFINITY]],
        ['undefined inside an array', [1, undefined]],
        ['a Date (it would read back as a string)', new Date()],
        ['a Map', new Map([['a', 1]])],
        ['a string with U+0000', { text: 'a\u0000b' }],
        ['a lone surrogate', { text: 'a\ud800b' }],
      ];
      for (const [what, eventData] of cases) {
        // Built by hand: newEvent() would put its default data in place of `undefined`.
        await rejects(store, what, account(), 2, [
          { eventId: randomUUID(), eventType: 'Recorded', eventData },
        ]);
      }
      await rejects(store, 'an event without eventData', account(), 2, [
        unchecked({ eventType: 'Recorded' }),
      ]);
      await rejects(store, 'metadata that is an array', account(), 2, [
        newEvent('Recorded', {}, { metadata: unchecked(['a']) }),
      ]);
      await rejects(store, 'metadata holding NaN', account(), 2, [
        newEvent('Recorded', {}, { metadata: { x: Number.NaN } }),
      ]);
    },
  },
  {
    name: 'data, metadata and snapshot state nested up to MAX_JSON_DEPTH levels round-trip; deeper is rejected',
    async run({ store }) {
      await seeded(store);
      const deepest = nested(MAX_JSON_DEPTH);
      await store.append(account(), 2, [newEvent('Nested', deepest, { metadata: deepest })]);
      const [event] = await store.getEvents('BankAccount', 'acc-1', 2);
      expect(event?.eventData).toEqual(deepest);
      expect(event?.metadata).toEqual(deepest);
      const [viaLog] = await collect(store.readAll({ fromPosition: event!.position - 1n }));
      expect(viaLog?.eventData).toEqual(deepest);
      const snapshot = {
        aggregateType: 'BankAccount',
        aggregateId: 'acc-1',
        version: 3,
        schemaVersion: 1,
        state: deepest,
        createdAt: new Date(),
      };
      await store.saveSnapshot(snapshot);
      expect((await store.getSnapshot('BankAccount', 'acc-1'))?.state).toEqual(deepest);

      // One level more, and far more (a recursive walk would overflow the stack: a RangeError).
      for (const levels of [MAX_JSON_DEPTH + 1, 20_000]) {
        const tooDeep = nested(levels);
        const error = await expectRejectedAndNothingWritten(
          store,
          () => store.append(account(), 3, [newEvent('Nested', tooDeep)]),
          'INVALID_ARGUMENT',
          `an append with data ${levels} levels deep`,
        );
        expect(error.argument).toMatch(/eventData/);
        await rejects(store, `metadata ${levels} levels deep`, account(), 3, [
          newEvent('Nested', {}, { metadata: tooDeep }),
        ]);
        await expectStoreError(
          () => store.saveSnapshot({ ...snapshot, version: 4, state: tooDeep }),
          'INVALID_ARGUMENT',
          `a snapshot with state ${levels} levels deep`,
        );
      }
      expect((await store.getSnapshot('BankAccount', 'acc-1'))?.version).toBe(3);
    },
  },
  {
    name: 'a non-positive or fractional schema version is rejected',
    async run({ store }) {
      await seeded(store);
      for (const schemaVersion of [0, -1, 1.5, Number.NaN]) {
        await rejects(store, `schema version ${schemaVersion}`, account(), 2, [
          newEvent('Recorded', {}, { schemaVersion }),
        ]);
      }
    },
  },
  {
    name: 'an invalid occurredAt, event id or events list is rejected',
    async run({ store }) {
      await seeded(store);
      await rejects(store, 'an invalid date', account(), 2, [
        newEvent('Recorded', {}, { occurredAt: new Date(Number.NaN) }),
      ]);
      await rejects(store, 'a date given as a string', account(), 2, [
        newEvent('Recorded', {}, { occurredAt: unchecked('2024-01-01') }),
      ]);
      await rejects(store, 'an empty event id', account(), 2, [newEvent('Recorded', {}, { eventId: '' })]);
      await rejects(store, 'a 256-character event id', account(), 2, [
        newEvent('Recorded', {}, { eventId: TOO_LONG }),
      ]);
      await rejects(store, 'events that are not an array', account(), 2, unchecked({ 0: newEvent() }));
      await rejects(store, 'an event that is null', account(), 2, [unchecked(null)]);
    },
  },
  {
    name: 'one bad event anywhere in a batch rejects the whole batch',
    async run({ store }) {
      await seeded(store);
      await rejects(store, 'a bad third event', account(), 2, [
        newEvent(),
        newEvent(),
        newEvent('Recorded', { n: Number.NaN }),
      ]);
      await rejects(store, 'a bad first event on a new stream', account('new'), 'no_stream', [
        newEvent('', {}),
        newEvent(),
      ]);
      expect(await store.getStreamVersion(account())).toBe(2);
      expect(await store.getStreamVersion(account('new'))).toBe(0);
    },
  },
  {
    name: 'duplicate event ids inside one append are rejected with DuplicateEventError',
    async run({ store }) {
      await seeded(store);
      const event = newEvent();
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 2, [event, newEvent(), event]),
        'DUPLICATE_EVENT',
        'an append carrying one event id twice',
      );
    },
  },
  {
    name: 'bad read arguments are rejected with InvalidArgumentError',
    async run({ store }) {
      await seeded(store);
      const cases: [string, () => Promise<unknown>][] = [
        ['getEvents with a negative fromVersion', () => store.getEvents('BankAccount', 'acc-1', -1)],
        ['getEvents with a fractional fromVersion', () => store.getEvents('BankAccount', 'acc-1', 1.5)],
        ['getEvents with an empty aggregate id', () => store.getEvents('BankAccount', '')],
        [
          'readStream with a negative fromVersion',
          () => collect(store.readStream(account(), { fromVersion: -1 })),
        ],
        ['readStream with a negative limit', () => collect(store.readStream(account(), { limit: -1 }))],
        [
          'readStream with an unknown direction',
          () => collect(store.readStream(account(), { direction: unchecked('sideways') })),
        ],
        [
          'getStreamVersion of a blank stream',
          () => store.getStreamVersion({ aggregateType: ' ', aggregateId: 'x' }),
        ],
        ['getAllEvents with a negative fromPosition', () => store.getAllEvents(undefined, -1n)],
        ['readAll with a negative fromPosition', () => collect(store.readAll({ fromPosition: -1n }))],
        ['readAll with a numeric fromPosition', () => collect(store.readAll({ fromPosition: unchecked(3) }))],
        ['readAll with batchSize 0', () => collect(store.readAll({ batchSize: 0 }))],
        ['getEventsByType with an empty type', () => store.getEventsByType('')],
        ['getSnapshot with a 256-character aggregate id', () => store.getSnapshot('BankAccount', TOO_LONG)],
        [
          'getEventsByType with an invalid date',
          () => store.getEventsByType('MoneyDeposited', new Date(Number.NaN)),
        ],
      ];
      for (const [what, action] of cases) await expectStoreError(action, 'INVALID_ARGUMENT', what);
    },
  },
  {
    name: 'a closed store rejects every call with StoreUnavailableError; closing twice is harmless',
    async run({ store }) {
      await seeded(store);
      await store.close();
      const calls: [string, () => Promise<unknown>][] = [
        ['append', () => store.append(account(), 2, newEvents(1))],
        ['getEvents', () => store.getEvents('BankAccount', 'acc-1')],
        ['readStream', () => collect(store.readStream(account()))],
        ['getStreamVersion', () => store.getStreamVersion(account())],
        ['getAllEvents', () => store.getAllEvents()],
        ['readAll', () => collect(store.readAll())],
        ['getEventsByType', () => store.getEventsByType('MoneyDeposited')],
        ['getSnapshot', () => store.getSnapshot('BankAccount', 'acc-1')],
        [
          'saveSnapshot',
          () =>
            store.saveSnapshot({
              ...account(),
              version: 1,
              schemaVersion: 1,
              state: {},
              createdAt: new Date(),
            }),
        ],
      ];
      for (const [what, call] of calls) {
        await expectStoreError(call, 'STORE_UNAVAILABLE', `${what} on a closed store`);
      }
      await store.close();
    },
  },
  {
    name: 'a malformed snapshot is rejected and nothing is saved',
    async run({ store }) {
      const good = {
        aggregateType: 'BankAccount',
        aggregateId: 'acc-1',
        version: 1,
        schemaVersion: 1,
        state: { balance: 1 },
        createdAt: new Date(),
      };
      const cases: [string, unknown][] = [
        ['version 0', { ...good, version: 0 }],
        ['a fractional version', { ...good, version: 1.5 }],
        ['schema version 0', { ...good, schemaVersion: 0 }],
        ['state holding NaN', { ...good, state: { balance: Number.NaN } }],
        ['an empty aggregate id', { ...good, aggregateId: '' }],
        ['an invalid createdAt', { ...good, createdAt: new Date(Number.NaN) }],
      ];
      for (const [what, snapshot] of cases) {
        await expectStoreError(
          () => store.saveSnapshot(unchecked(snapshot)),
          'INVALID_ARGUMENT',
          `a snapshot with ${what}`,
        );
      }
      expect(await store.getSnapshot('BankAccount', 'acc-1')).toBeNull();
    },
  },
]);
