import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertJsonValue,
  createInMemoryEventStore,
  type InvalidArgumentError,
  isInvalidArgumentError,
  MAX_JSON_DEPTH,
} from '../src/index';

/** Objects and arrays alternating, `levels` deep (a top-level object is level 1). */
function nested(levels: number, leaf: unknown = 'leaf'): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { next: value };
  return value;
}

const rejection = (action: () => unknown): InvalidArgumentError => {
  try {
    action();
  } catch (error) {
    expect(isInvalidArgumentError(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  return expect.fail('should have been rejected');
};

describe('assertJsonValue: deep values', () => {
  it(`accepts exactly ${MAX_JSON_DEPTH} levels and rejects one more, naming the path`, () => {
    expect(() => assertJsonValue(nested(MAX_JSON_DEPTH), 'data')).not.toThrow();
    const error = rejection(() => assertJsonValue(nested(MAX_JSON_DEPTH + 1), 'events[0].eventData'));
    expect(error.message).toMatch(/nested deeper than 1000 levels/);
    expect(error.argument.startsWith('events[0].eventData')).toBe(true);
    // Shortened: the full path would be thousands of characters.
    expect(error.argument.length).toBeLessThan(300);
  });

  it('rejects a value far deeper than the call stack allows with a typed error, not a RangeError', () => {
    for (const levels of [1_500, 10_000, 200_000]) {
      expect(rejection(() => assertJsonValue(nested(levels), 'data')).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('still walks every branch of a wide value and reports in document order', () => {
    const wide = { a: Array.from({ length: 5000 }, (_, i) => ({ i })), b: { c: Number.NaN }, d: 10n };
    expect(rejection(() => assertJsonValue(wide, 'data')).argument).toBe('data.b.c');
    const shared = { x: 1 };
    // The same object twice is not a cycle.
    expect(() => assertJsonValue({ a: shared, b: [shared, shared] }, 'data')).not.toThrow();
    expect(rejection(() => assertJsonValue([1, undefined], 'data')).argument).toBe('data[1]');
    const named = Object.assign([1, 2], { extra: true });
    expect(rejection(() => assertJsonValue(named, 'data')).message).toMatch(/holes or named properties/);
  });

  it('round-trips the deepest allowed value through the in-memory store; a deeper one writes nothing', async () => {
    const store = createInMemoryEventStore();
    const stream = { aggregateType: 'Deep', aggregateId: 'd-1' };
    const deep = nested(MAX_JSON_DEPTH);
    await store.append(stream, 'no_stream', [
      { eventType: 'Nested', eventData: deep, metadata: deep as Record<string, unknown> },
    ]);
    const [event] = await store.getEvents('Deep', 'd-1');
    expect(event!.eventData).toEqual(deep);
    expect(event!.metadata).toEqual(deep);
    const error = await store
      .append(stream, 1, [{ eventType: 'Nested', eventData: nested(MAX_JSON_DEPTH + 1) }])
      .catch((e: unknown) => e);
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(await store.getStreamVersion(stream)).toBe(1);
  });
});

describe('assertJsonValue: the quick check accepts only what the walk accepts', () => {
  const symbolKeyed = { ok: 1, [Symbol('s')]: 2 };
  const holey = new Array(3);
  holey[0] = 1;
  holey[2] = 3;
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const bad: [string, () => unknown, RegExp][] = [
    ['NaN', () => Number.NaN, /is NaN/],
    ['Infinity', () => Number.POSITIVE_INFINITY, /is Infinity/],
    ['a BigInt', () => 10n, /BigInt/],
    ['a function', () => () => 1, /function/],
    ['a symbol', () => Symbol('x'), /symbol/],
    ['U+0000', () => 'a\u0000b', /U\+0000/],
    ['a lone surrogate', () => 'a\uD800', /lone UTF-16 surrogate/],
    ['a Date', () => new Date(0), /is a Date/],
    ['a Map', () => new Map(), /is a Map/],
    ['a symbol-keyed property', () => symbolKeyed, /symbol-keyed/],
    ['an array with a hole', () => holey, /is undefined|holes/],
    ['an array with a named property', () => Object.assign([1], { x: 1 }), /holes or named properties/],
    ['a key with U+0000', () => ({ 'a\u0000': 1 }), /U\+0000/],
    ['a key with a lone surrogate', () => ({ '\uDC00': 1 }), /lone UTF-16 surrogate/],
    ['a cycle', () => cycle, /circular/],
  ];
  const places: [string, (v: unknown) => unknown][] = [
    ['inside an object', (v) => ({ a: 1, b: v })],
    ['inside an array', (v) => [1, v]],
    ['a few levels down', (v) => ({ a: [{ b: { c: [v] } }] })],
    ['past the quick check (70 levels)', (v) => nested(70, v)],
  ];
  it.each(bad)('rejects %s wherever it sits', (_, make, message) => {
    for (const [, place] of places) {
      expect(rejection(() => assertJsonValue(place(make()), 'data')).message).toMatch(message);
    }
    expect(
      rejection(() => assertJsonValue({ ok: true, nested: { list: [1, 2, make()] } }, 'data')).argument,
    ).toMatch(/^data\.nested\.list\[2\]/);
  });

  it('accepts any JSON value, with undefined properties dropped', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => assertJsonValue(value, 'data')).not.toThrow();
      }),
    );
    expect(() => assertJsonValue({ a: undefined, b: [null, -0, 'é'] }, 'data')).not.toThrow();
    expect(() => assertJsonValue(Object.create(null), 'data')).not.toThrow();
  });
});
