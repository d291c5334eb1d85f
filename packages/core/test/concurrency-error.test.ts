import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, EventStoreError, isConcurrencyError } from '../src';

const stream = { aggregateType: 'Account', aggregateId: 'acc-1' };

describe('ConcurrencyError: a cheap, complete conflict', () => {
  afterEach(() => {
    ConcurrencyError.captureStacks = false;
  });

  it('carries the code, the stream, both versions and a message that names them', () => {
    const cause = new Error('driver said no');
    const conflict = new ConcurrencyError(stream, 3, 5, { cause });
    expect(conflict).toBeInstanceOf(ConcurrencyError);
    expect(conflict).toBeInstanceOf(EventStoreError);
    expect(conflict).toBeInstanceOf(Error);
    expect(isConcurrencyError(conflict)).toBe(true);
    expect(conflict.code).toBe('CONCURRENCY');
    expect(conflict.name).toBe('ConcurrencyError');
    expect(conflict.stream).toEqual(stream);
    expect([conflict.expectedVersion, conflict.actualVersion]).toEqual([3, 5]);
    expect(conflict.cause).toBe(cause);
    expect(conflict.message).toBe('Stream Account/acc-1: expected version 3, but the current version is 5');
  });

  it('captures no stack frames by default, and leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit;
    const conflict = new ConcurrencyError(stream, 'no_stream', 1);
    expect(Error.stackTraceLimit).toBe(before);
    expect(conflict.stack).toBe(
      'ConcurrencyError: Stream Account/acc-1: expected version no_stream, but the current version is 1',
    );
    // Other errors still capture their frames.
    expect(new Error('other').stack).toMatch(/\n\s+at /);
  });

  it('captures the stack when asked to (for debugging where conflicts come from)', () => {
    ConcurrencyError.captureStacks = true;
    const conflict = new ConcurrencyError(stream, 1, 2);
    expect(conflict.stack).toMatch(/^ConcurrencyError: Stream Account\/acc-1: .*\n\s+at /);
  });
});
