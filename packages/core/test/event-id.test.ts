import { describe, expect, it } from 'vitest';
import { newEventId } from '../src';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newEventId: RFC 9562 UUIDv7', () => {
  it('is a version-7, RFC-variant UUID whose first 48 bits are the time in milliseconds', () => {
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    const millis = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    // At most a few milliseconds ahead: a counter that fills up borrows the next millisecond.
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after + 5);
  });

  it('sorts in the order the ids were made, also many within one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 50_000 }, () => newEventId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
  });
});
