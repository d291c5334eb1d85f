import { describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  createInMemoryEventStore,
  DuplicateEventError,
  type EventStore,
  isConcurrencyError,
  type NewEvent,
  type StreamRef,
} from '../src/index';

const account: StreamRef = { aggregateType: 'BankAccount', aggregateId: 'acc-1' };
const deposit = (amount: number, eventId?: string): NewEvent => ({
  eventType: 'MoneyDeposited',
  eventData: { amount },
  ...(eventId === undefined ? {} : { eventId }),
});

async function versionsOf(store: EventStore, stream: StreamRef): Promise<number[]> {
  return (await store.getEvents(stream.aggregateType, stream.aggregateId)).map((e) => e.version);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to reject'),
    (error: unknown) => error,
  );
}

describe('in-memory store: append and versions', () => {
  it('numbers a new stream 1..n in append order and reports positions', async () => {
    const store = createInMemoryEventStore();
    const result = await store.append(account, 'no_stream', [deposit(1), deposit(2), deposit(3)]);
    expect(result).toEqual({ nextExpectedVersion: 3, firstPosition: 1n, lastPosition: 3n });
    const events = await store.getEvents('BankAccount', 'acc-1');
    expect(events.map((e) => [e.version, (e.eventData as { amount: number }).amount])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(await store.getStreamVersion(account)).toBe(3);
  });

  it('continues versions across appends with a numeric expected version', async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 0, [deposit(1)]);
    const second = await store.append(account, 1, [deposit(2), deposit(3)]);
    expect(second).toEqual({ nextExpectedVersion: 3, firstPosition: 2n, lastPosition: 3n });
    expect(await versionsOf(store, account)).toEqual([1, 2, 3]);
  });

  it('keeps stream versions independent while positions stay global', async () => {
    const store = createInMemoryEventStore();
    const other: StreamRef = { aggregateType: 'BankAccount', aggregateId: 'acc-2' };
    await store.append(account, 'no_stream', [deposit(1)]);
    const r = await store.append(other, 'no_stream', [deposit(2)]);
    expect(r).toEqual({ nextExpectedVersion: 1, firstPosition: 2n, lastPosition: 2n });
  });

  it('fills defaults: a UUID id, schema version 1 and the clock time', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const store = createInMemoryEventStore({ clock: () => at });
    await store.append(account, 'any', [deposit(1)]);
    const [event] = await store.getEvents('BankAccount', 'acc-1');
    expect(event?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event?.schemaVersion).toBe(1);
    expect(event?.occurredAt).toEqual(at);
  });
});

describe('in-memory store: expected version', () => {
  it('rejects a stale numeric version with the actual version and writes nothing', async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 'no_stream', [deposit(1), deposit(2)]);
    const error = await rejection(store.append(account, 1, [deposit(3)]));
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2, stream: account });
    expect(await versionsOf(store, account)).toEqual([1, 2]);
  });

  it('rejects a version higher than the current one', async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 'no_stream', [deposit(1)]);
    await expect(store.append(account, 5, [deposit(2)])).rejects.toMatchObject({
      code: 'CONCURRENCY',
      actualVersion: 1,
    });
  });

  it("'no_stream' succeeds on the first write and fails on the second", async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 'no_stream', [deposit(1)]);
    await expect(store.append(account, 'no_stream', [deposit(2)])).rejects.toMatchObject({
      code: 'CONCURRENCY',
      expectedVersion: 'no_stream',
      actualVersion: 1,
    });
  });

  it("'stream_exists' fails on an absent stream and succeeds once it exists", async () => {
    const store = createInMemoryEventStore();
    await expect(store.append(account, 'stream_exists', [deposit(1)])).rejects.toMatchObject({
      code: 'CONCURRENCY',
      actualVersion: 0,
    });
    expect(await store.getStreamVersion(account)).toBe(0);
    await store.append(account, 0, [deposit(1)]);
    expect((await store.append(account, 'stream_exists', [deposit(2)])).nextExpectedVersion).toBe(2);
  });

  it("'any' skips the check", async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 'any', [deposit(1)]);
    await store.append(account, 'any', [deposit(2)]);
    expect(await versionsOf(store, account)).toEqual([1, 2]);
  });

  it('an empty append is a no-op that reports the current version and last position', async () => {
    const store = createInMemoryEventStore();
    expect(await store.append(account, 'any', [])).toEqual({
      nextExpectedVersion: 0,
      firstPosition: 0n,
      lastPosition: 0n,
    });
    await store.append(account, 'no_stream', [deposit(1), deposit(2)]);
    expect(await store.append(account, 0, [])).toEqual({
      nextExpectedVersion: 2,
      firstPosition: 2n,
      lastPosition: 2n,
    });
    expect(store.size).toBe(2);
  });

  it('of N concurrent appends at one expected version exactly one wins', async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 'no_stream', [deposit(0)]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.append(account, 1, [deposit(i + 1)])),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const loser of losers) {
      expect(isConcurrencyError(loser.reason)).toBe(true);
      expect(loser.reason).toMatchObject({ actualVersion: 2 });
    }
    expect(await versionsOf(store, account)).toEqual([1, 2]);
  });
});

describe('in-memory store: atomicity and idempotency', () => {
  it('writes nothing of a batch whose last event is invalid', async () => {
    const store = createInMemoryEventStore();
    const bad = { eventType: 'MoneyDeposited', eventData: { amount: Number.NaN } };
    await expect(store.append(account, 'no_stream', [deposit(1), deposit(2), bad])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(store.size).toBe(0);
    expect(await store.getStreamVersion(account)).toBe(0);
  });

  it('writes nothing of a batch one of whose ids is already stored elsewhere', async () => {
    const store = createInMemoryEventStore();
    const elsewhere: StreamRef = { aggregateType: 'BankAccount', aggregateId: 'acc-2' };
    await store.append(elsewhere, 'no_stream', [deposit(1, 'taken')]);
    const error = await rejection(
      store.append(account, 'no_stream', [deposit(2, 'fresh'), deposit(3, 'taken')]),
    );
    expect(error).toBeInstanceOf(DuplicateEventError);
    expect(error).toMatchObject({ eventId: 'taken' });
    expect(await versionsOf(store, account)).toEqual([]);
    expect(store.size).toBe(1);
  });

  it.each([
    ['the same numeric expected version', 0],
    ["'no_stream'", 'no_stream'],
    ["'any'", 'any'],
  ] as const)(
    'repeating a committed append with %s returns the original result and writes nothing',
    async (_, expected) => {
      const store = createInMemoryEventStore();
      const batch = [deposit(1, 'e1'), deposit(2, 'e2')];
      const original = await store.append(account, expected, batch);
      await store.append(account, 2, [deposit(3, 'e3')]);
      expect(await store.append(account, expected, batch)).toEqual(original);
      expect(await versionsOf(store, account)).toEqual([1, 2, 3]);
      expect(store.size).toBe(3);
    },
  );

  it('a repeat of a middle batch is idempotent with its own expected version', async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 0, [deposit(1, 'e1')]);
    const middle = await store.append(account, 1, [deposit(2, 'e2'), deposit(3, 'e3')]);
    await store.append(account, 3, [deposit(4, 'e4')]);
    expect(await store.append(account, 1, [deposit(2, 'e2'), deposit(3, 'e3')])).toEqual(middle);
    expect(await store.append(account, 'stream_exists', [deposit(2, 'e2'), deposit(3, 'e3')])).toEqual(
      middle,
    );
  });

  it.each([
    ['a partial overlap (one stored id, one new)', () => [deposit(2, 'e2'), deposit(9, 'new')], 1],
    ['extra events after the stored ones', () => [deposit(1, 'e1'), deposit(2, 'e2'), deposit(9, 'new')], 0],
    ['the stored ids in another order', () => [deposit(2, 'e2'), deposit(1, 'e1')], 0],
    ['the batch at another expected version', () => [deposit(1, 'e1'), deposit(2, 'e2')], 1],
  ] as const)('rejects %s with DuplicateEventError and writes nothing', async (_, batch, expected) => {
    const store = createInMemoryEventStore();
    await store.append(account, 0, [deposit(1, 'e1'), deposit(2, 'e2')]);
    await expect(store.append(account, expected, batch())).rejects.toBeInstanceOf(DuplicateEventError);
    expect(store.size).toBe(2);
  });

  it('accepts a leading run of a batch as a repeat: every id stands where the expected version puts it', async () => {
    const store = createInMemoryEventStore();
    await store.append(account, 0, [deposit(1, 'e1'), deposit(2, 'e2')]);
    expect(await store.append(account, 0, [deposit(1, 'e1')])).toEqual({
      nextExpectedVersion: 1,
      firstPosition: 1n,
      lastPosition: 1n,
    });
    expect(store.size).toBe(2);
  });

  it('rejects an id stored in another stream, even under the same aggregate id', async () => {
    const store = createInMemoryEventStore();
    await store.append({ aggregateType: 'Invoice', aggregateId: 'acc-1' }, 'no_stream', [deposit(1, 'e1')]);
    await expect(store.append(account, 'no_stream', [deposit(1, 'e1')])).rejects.toMatchObject({
      code: 'DUPLICATE_EVENT',
      eventId: 'e1',
    });
    expect(await store.getStreamVersion(account)).toBe(0);
  });

  it('rejects two events with one id inside one append', async () => {
    const store = createInMemoryEventStore();
    await expect(
      store.append(account, 'no_stream', [deposit(1, 'same'), deposit(2, 'same')]),
    ).rejects.toBeInstanceOf(DuplicateEventError);
    expect(store.size).toBe(0);
  });

  it('checks idempotency before the expected version, so a retry after success does not conflict', async () => {
    const store = createInMemoryEventStore();
    const batch = [deposit(1, 'e1')];
    const first = await store.append(account, 0, batch);
    // The stream is now at version 1, so expected version 0 is stale — but this is the same append.
    expect(await store.append(account, 0, batch)).toEqual(first);
  });
});
