import { describe, expect, it } from 'vitest';
import {
  assertJsonValue,
  createInMemoryEventStore,
  type InvalidArgumentError,
  isInvalidArgumentError,
  MAX_JSON_DEPTH,
} from '../src/index';

/** Objects and arrays alternating, `levels` deep (a top-level object is level 1). */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
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
