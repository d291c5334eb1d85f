import { isInvalidArgumentError } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import { createMessageDeduplicator } from '../src/index';

describe('createMessageDeduplicator', () => {
  it('passes the first delivery of an id and drops its repeats', () => {
    const dedupe = createMessageDeduplicator();
    expect(['a', 'b', 'a', 'c', 'b'].map((id) => dedupe.firstDelivery(id))).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(dedupe.size).toBe(3);
  });

  it('forgets the oldest id beyond its capacity, and only that one', () => {
    const dedupe = createMessageDeduplicator({ capacity: 2 });
    for (const id of ['a', 'b', 'c']) dedupe.firstDelivery(id);
    expect(dedupe.size).toBe(2);
    expect(dedupe.firstDelivery('c')).toBe(false);
    expect(dedupe.firstDelivery('a')).toBe(true);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect.assertions(2);
    for (const capacity of [0, 1.5]) {
      try {
        createMessageDeduplicator({ capacity });
      } catch (error) {
        expect(isInvalidArgumentError(error)).toBe(true);
      }
    }
  });
});
