import { describe, expect, it } from 'vitest';
import {
  createInMemoryEventStore,
  InvalidArgumentError,
  isInvalidArgumentError,
  MAX_IDENTIFIER_LENGTH,
  type NewEvent,
  type StreamRef,
} from '../src/index';

const stream: StreamRef = { aggregateType: 'Order', aggregateId: 'o-1' };

describe('in-memory store: round trip', () => {
  it.each([
    ['unicode', { name: 'Zoë 🚀 中文 עברית', emoji: '👩‍👩‍👧' }],
    ['nested', { a: { b: { c: [1, { d: [true, false, null] }] } } }],
    ['empty object', {}],
    ['top-level array', [1, 'two', { three: 3 }]],
    ['null fields', { a: null, b: [null] }],
    ['top-level null', null],
    ['top-level string', 'just a string'],
    [
      'numbers at the edges',
      { max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_VALUE, tiny: 5e-324, frac: 0.1 },
    ],
    ['keys that look special', { __proto__x: 1, constructor: 'c', '': 'empty key', 'a.b': 'dot' }],
    ['large (1 MB)', { blob: 'x'.repeat(1024 * 1024), list: Array.from({ length: 1000 }, (_, i) => i) }],
  ])('reads back %s data equal', async (_, eventData) => {
    const store = createInMemoryEventStore();
    await store.append(stream, 'no_stream', [{ eventType: 'Tested', eventData }]);
    const [event] = await store.getEvents('Order', 'o-1');
    expect(event?.eventData).toEqual(eventData);
  });

  it('reads back every field: ids, types, metadata and occurredAt to the millisecond', async () => {
    const store = createInMemoryEventStore();
    const occurredAt = new Date('2026-03-04T05:06:07.089Z');
    const event: NewEvent = {
      eventId: 'evt-1',
      eventType: 'OrderCreated',
      eventData: { customerId: 'c-1' },
      schemaVersion: 3,
      occurredAt,
      userId: 'user-1',
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      metadata: { ip: '127.0.0.1', tags: ['a'], nested: { ok: true } },
    };
    await store.append(stream, 'no_stream', [event]);
    const [read] = await store.getEvents('Order', 'o-1');
    expect(read).toEqual({
      ...event,
      aggregateType: 'Order',
      aggregateId: 'o-1',
      version: 1,
      position: 1n,
    });
    expect(read?.occurredAt.getTime()).toBe(occurredAt.getTime());
  });

  it('omits optional fields that were not given, rather than returning undefined or null', async () => {
    const store = createInMemoryEventStore();
    await store.append(stream, 'no_stream', [{ eventType: 'Tested', eventData: 1 }]);
    const [read] = await store.getEvents('Order', 'o-1');
    expect(Object.keys(read!).sort()).toEqual(
      [
        'aggregateId',
        'aggregateType',
        'eventData',
        'eventId',
        'eventType',
        'occurredAt',
        'position',
        'schemaVersion',
        'version',
      ].sort(),
    );
  });

  it('drops object properties whose value is undefined, as JSON does', async () => {
    const store = createInMemoryEventStore();
    await store.append(stream, 'no_stream', [{ eventType: 'Tested', eventData: { a: 1, b: undefined } }]);
    const [read] = await store.getEvents('Order', 'o-1');
    expect(Object.keys(read!.eventData as object)).toEqual(['a']);
  });
});

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
class Money {
  constructor(readonly amount: number) {}
}
const long = 'x'.repeat(MAX_IDENTIFIER_LENGTH + 1);
const ok: NewEvent = { eventType: 'Tested', eventData: { ok: true } };

describe('in-memory store: bad input is rejected with a typed error and nothing is written', () => {
  const badAppends: [string, unknown, unknown, unknown][] = [
    ['an empty aggregate type', { aggregateType: '', aggregateId: 'a' }, 'any', [ok]],
    ['a blank aggregate id', { aggregateType: 'Order', aggregateId: '   ' }, 'any', [ok]],
    ['an over-long aggregate id', { aggregateType: 'Order', aggregateId: long }, 'any', [ok]],
    ['an over-long aggregate type', { aggregateType: long, aggregateId: 'a' }, 'any', [ok]],
    ['a non-string aggregate id', { aggregateType: 'Order', aggregateId: 42 }, 'any', [ok]],
    ['a missing stream', undefined, 'any', [ok]],
    ['a NUL in the aggregate id', { aggregateType: 'Order', aggregateId: 'a\u0000b' }, 'any', [ok]],
    ['a negative expected version', stream, -1, [ok]],
    ['a fractional expected version', stream, 1.5, [ok]],
    ['a NaN expected version', stream, Number.NaN, [ok]],
    ['an unknown expected version word', stream, 'latest', [ok]],
    ['events that are not an array', stream, 'any', ok],
    ['an event that is not an object', stream, 'any', ['OrderCreated']],
    ['an empty event type', stream, 'any', [{ eventType: '', eventData: {} }]],
    ['an over-long event type', stream, 'any', [{ eventType: long, eventData: {} }]],
    ['missing event data', stream, 'any', [{ eventType: 'Tested' }]],
    ['undefined event data', stream, 'any', [{ eventType: 'Tested', eventData: undefined }]],
    ['BigInt data', stream, 'any', [{ eventType: 'Tested', eventData: { n: 10n } }]],
    ['a function in data', stream, 'any', [{ eventType: 'Tested', eventData: { f: () => 1 } }]],
    ['a symbol in data', stream, 'any', [{ eventType: 'Tested', eventData: { s: Symbol('x') } }]],
    ['circular data', stream, 'any', [{ eventType: 'Tested', eventData: circular }]],
    ['NaN in data', stream, 'any', [{ eventType: 'Tested', eventData: { n: Number.NaN } }]],
    ['Infinity in data', stream, 'any', [{ eventType: 'Tested', eventData: [Number.POSITIVE_INFINITY] }]],
    ['undefined in an array', stream, 'any', [{ eventType: 'Tested', eventData: [1, undefined] }]],
    ['a Date in data', stream, 'any', [{ eventType: 'Tested', eventData: { at: new Date() } }]],
    ['a class instance in data', stream, 'any', [{ eventType: 'Tested', eventData: { m: new Money(1) } }]],
    ['a Map in data', stream, 'any', [{ eventType: 'Tested', eventData: new Map() }]],
    ['a lone surrogate in data', stream, 'any', [{ eventType: 'Tested', eventData: { s: '\ud800' } }]],
    ['a NUL in data', stream, 'any', [{ eventType: 'Tested', eventData: { s: 'a\u0000' } }]],
    [
      'a symbol-keyed property in data',
      stream,
      'any',
      [{ eventType: 'Tested', eventData: { [Symbol('k')]: 1 } }],
    ],
    [
      'an array with a named property',
      stream,
      'any',
      [{ eventType: 'Tested', eventData: Object.assign([1], { x: 2 }) }],
    ],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    ['a sparse array', stream, 'any', [{ eventType: 'Tested', eventData: [1, , 3] }]],
    ['a zero schema version', stream, 'any', [{ ...ok, schemaVersion: 0 }]],
    ['a negative schema version', stream, 'any', [{ ...ok, schemaVersion: -2 }]],
    ['a fractional schema version', stream, 'any', [{ ...ok, schemaVersion: 1.5 }]],
    ['an invalid date', stream, 'any', [{ ...ok, occurredAt: new Date('nope') }]],
    ['a date that is a string', stream, 'any', [{ ...ok, occurredAt: '2026-01-01' }]],
    ['an empty event id', stream, 'any', [{ ...ok, eventId: '' }]],
    ['an empty user id', stream, 'any', [{ ...ok, userId: '' }]],
    ['metadata that is an array', stream, 'any', [{ ...ok, metadata: [] }]],
    ['metadata with BigInt', stream, 'any', [{ ...ok, metadata: { n: 1n } }]],
  ];

  it.each(badAppends)('append with %s', async (_, badStream, expectedVersion, events) => {
    const store = createInMemoryEventStore();
    // A valid first event proves the whole batch is refused, not only the bad event.
    const batch = Array.isArray(events) ? [{ ...ok }, ...events] : events;
    const call = store.append(badStream as StreamRef, expectedVersion as never, batch as NewEvent[]);
    const error = await call.then(
      () => expect.unreachable('append should have been rejected'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(store.size).toBe(0);
    expect(await store.getAllEvents()).toEqual([]);
  });

  it('names the offending argument in the message', async () => {
    const store = createInMemoryEventStore();
    await expect(
      store.append(stream, 'any', [
        ok,
        { eventType: 'Tested', eventData: { items: [{ price: Number.NaN }] } },
      ]),
    ).rejects.toThrow(/events\[1\]\.eventData\.items\[0\]\.price is NaN/);
  });

  it.each([
    [
      'getEvents with a negative fromVersion',
      (s: ReturnType<typeof createInMemoryEventStore>) => s.getEvents('Order', 'a', -1),
    ],
    [
      'getEvents with a blank id',
      (s: ReturnType<typeof createInMemoryEventStore>) => s.getEvents('Order', ''),
    ],
    [
      'getEventsByType with an invalid date',
      (s: ReturnType<typeof createInMemoryEventStore>) => s.getEventsByType('Tested', new Date(Number.NaN)),
    ],
    [
      'getAllEvents with a negative position',
      (s: ReturnType<typeof createInMemoryEventStore>) => s.getAllEvents(undefined, -1n),
    ],
    [
      'getAllEvents with a number position',
      (s: ReturnType<typeof createInMemoryEventStore>) => s.getAllEvents(undefined, 1 as unknown as bigint),
    ],
    [
      'readStream with a fractional limit',
      (s: ReturnType<typeof createInMemoryEventStore>) =>
        s.readStream(stream, { limit: 1.5 })[Symbol.asyncIterator]().next(),
    ],
    [
      'readStream with an unknown direction',
      (s: ReturnType<typeof createInMemoryEventStore>) =>
        s
          .readStream(stream, { direction: 'sideways' as 'forward' })
          [Symbol.asyncIterator]()
          .next(),
    ],
    [
      'readAll with a zero batch size',
      (s: ReturnType<typeof createInMemoryEventStore>) =>
        s.readAll({ batchSize: 0 })[Symbol.asyncIterator]().next(),
    ],
    [
      'readAll with an empty type filter entry',
      (s: ReturnType<typeof createInMemoryEventStore>) =>
        s
          .readAll({ eventTypes: [''] })
          [Symbol.asyncIterator]()
          .next(),
    ],
    [
      'saveSnapshot with version 0',
      (s: ReturnType<typeof createInMemoryEventStore>) =>
        s.saveSnapshot({
          aggregateType: 'Order',
          aggregateId: 'a',
          version: 0,
          schemaVersion: 1,
          state: {},
          createdAt: new Date(),
        }),
    ],
    [
      'saveSnapshot with BigInt state',
      (s: ReturnType<typeof createInMemoryEventStore>) =>
        s.saveSnapshot({
          aggregateType: 'Order',
          aggregateId: 'a',
          version: 1,
          schemaVersion: 1,
          state: { n: 1n },
          createdAt: new Date(),
        }),
    ],
  ])('%s is rejected', async (_, call) => {
    const store = createInMemoryEventStore();
    await expect(call(store)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await store.getSnapshot('Order', 'a')).toBeNull();
  });

  it('a closed store refuses work with a typed, non-retriable error', async () => {
    const store = createInMemoryEventStore();
    await store.close();
    await expect(store.append(stream, 'any', [ok])).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      retriable: false,
    });
  });
});
