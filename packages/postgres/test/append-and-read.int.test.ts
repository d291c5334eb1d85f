import {
  type ConcurrencyError,
  createInMemoryEventStore,
  type DomainEvent,
  type EventStore,
  isConcurrencyError,
  isDuplicateEventError,
  isInvalidArgumentError,
} from '@chronicle/core';
import { expect, it } from 'vitest';
import { describePostgres, useStores } from './support/postgres';

const account = (id: string) => ({ aggregateType: 'BankAccount', aggregateId: id });
const deposited = (amount: number, eventId?: string) =>
  eventId === undefined
    ? { eventType: 'MoneyDeposited', eventData: { amount } }
    : { eventType: 'MoneyDeposited', eventData: { amount }, eventId };

async function collect(events: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const result: DomainEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describePostgres('postgres store: append and read', () => {
  const stores = useStores('append');

  it('appends in one call and reads the events back in version order with increasing positions', async () => {
    const store = stores.create();
    const result = await store.append(account('a'), 'no_stream', [deposited(1), deposited(2), deposited(3)]);
    expect(result.nextExpectedVersion).toBe(3);
    expect(result.lastPosition - result.firstPosition).toBe(2n);
    const events = await store.getEvents('BankAccount', 'a');
    expect(events.map((e) => [e.version, e.eventData])).toEqual([
      [1, { amount: 1 }],
      [2, { amount: 2 }],
      [3, { amount: 3 }],
    ]);
    expect(events[0]!.position).toBe(result.firstPosition);
    expect(events[2]!.position).toBe(result.lastPosition);
    expect(await store.getStreamVersion(account('a'))).toBe(3);
    expect(await store.getStreamVersion(account('nope'))).toBe(0);
  });

  it('works the same without prepared statements (for poolers that cannot keep them)', async () => {
    const store = stores.create({ prepareStatements: false });
    const { nextExpectedVersion } = await store.append(account('a'), 'no_stream', [
      deposited(1),
      deposited(2),
    ]);
    expect(nextExpectedVersion).toBe(2);
    expect((await collect(store.readAll())).map((e) => e.version)).toEqual([1, 2]);
    expect(
      (await collect(store.readStream(account('a'), { direction: 'backward' }))).map((e) => e.version),
    ).toEqual([2, 1]);
  });

  it('rejects a stale expected version with the actual version and writes nothing', async () => {
    const store = stores.create();
    await store.append(account('a'), 'no_stream', [deposited(1), deposited(2)]);
    const error = await store.append(account('a'), 1, [deposited(3)]).catch((e: unknown) => e);
    expect(isConcurrencyError(error)).toBe(true);
    expect((error as ConcurrencyError).actualVersion).toBe(2);
    expect((error as ConcurrencyError).expectedVersion).toBe(1);
    for (const expected of ['no_stream', 0] as const) {
      const again = await store.append(account('a'), expected, [deposited(3)]).catch((e: unknown) => e);
      expect((again as ConcurrencyError).actualVersion).toBe(2);
    }
    const missing = await store
      .append(account('b'), 'stream_exists', [deposited(1)])
      .catch((e: unknown) => e);
    expect((missing as ConcurrencyError).actualVersion).toBe(0);
    const missingAt = await store.append(account('b'), 4, [deposited(1)]).catch((e: unknown) => e);
    expect((missingAt as ConcurrencyError).actualVersion).toBe(0);
    expect(await store.getStreamVersion(account('b'))).toBe(0);
    expect((await store.getEvents('BankAccount', 'a')).length).toBe(2);
  });

  it("'any' and 'stream_exists' append wherever the stream stands", async () => {
    const store = stores.create();
    await store.append(account('a'), 'any', [deposited(1)]);
    await store.append(account('a'), 'any', [deposited(2)]);
    await store.append(account('a'), 'stream_exists', [deposited(3)]);
    expect((await store.getEvents('BankAccount', 'a')).map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('an empty append reports the current version and last position without writing', async () => {
    const store = stores.create();
    expect(await store.append(account('a'), 'any', [])).toEqual({
      nextExpectedVersion: 0,
      firstPosition: 0n,
      lastPosition: 0n,
    });
    const { lastPosition } = await store.append(account('a'), 'no_stream', [deposited(1)]);
    expect(await store.append(account('a'), 7, [])).toEqual({
      nextExpectedVersion: 1,
      firstPosition: lastPosition,
      lastPosition,
    });
  });

  it('repeating an append returns the original result; any other reuse of an id is a DuplicateEventError', async () => {
    const store = stores.create();
    const batch = [deposited(1, 'e1'), deposited(2, 'e2')];
    const first = await store.append(account('a'), 'no_stream', batch);
    expect(await store.append(account('a'), 'no_stream', batch)).toEqual(first);
    expect(await store.append(account('a'), 0, batch)).toEqual(first);
    expect(await store.append(account('a'), 'any', batch)).toEqual(first);
    const partial = await store
      .append(account('a'), 2, [deposited(2, 'e2'), deposited(3, 'e3')])
      .catch((e: unknown) => e);
    expect(isDuplicateEventError(partial)).toBe(true);
    const elsewhere = await store
      .append(account('b'), 'no_stream', [deposited(1, 'e1')])
      .catch((e: unknown) => e);
    expect(isDuplicateEventError(elsewhere)).toBe(true);
    // e2 stands at version 2: expected 1 puts it there (a repeat), expected 0 would put it at 1.
    expect((await store.append(account('a'), 1, [deposited(2, 'e2')])).nextExpectedVersion).toBe(2);
    const shifted = await store.append(account('a'), 0, [deposited(2, 'e2')]).catch((e: unknown) => e);
    expect(isDuplicateEventError(shifted)).toBe(true);
    expect((await store.getEvents('BankAccount', 'a')).length).toBe(2);
    expect(await store.getStreamVersion(account('b'))).toBe(0);
  });

  it('decides every append exactly like the in-memory reference', async () => {
    const store = stores.create();
    const reference = createInMemoryEventStore();
    const outcome = async (s: EventStore, expected: Parameters<EventStore['append']>[1], ids: string[]) => {
      try {
        const r = await s.append(
          account('x'),
          expected,
          ids.map((id) => deposited(1, id)),
        );
        return `ok ${r.nextExpectedVersion}`;
      } catch (error) {
        return isConcurrencyError(error)
          ? `concurrency ${error.actualVersion}`
          : (error as { code: string }).code;
      }
    };
    const script: [Parameters<EventStore['append']>[1], string[]][] = [
      ['no_stream', ['a', 'b']],
      ['no_stream', ['a', 'b']],
      [2, ['c']],
      [2, ['c']],
      ['any', ['c']],
      ['stream_exists', ['b', 'c']],
      [1, ['b', 'c']],
      [0, ['a']],
      [5, ['d']],
      ['any', ['a', 'b', 'c']],
      [3, ['c', 'd']],
      ['stream_exists', ['d']],
    ];
    for (const [expected, ids] of script) {
      expect(await outcome(store, expected, ids)).toBe(await outcome(reference, expected, ids));
    }
  });

  it('reads a stream forward and backward with exclusive bounds and limits, page by page', async () => {
    const store = stores.create({ streamPageSize: 3 });
    await store.append(
      account('a'),
      'no_stream',
      Array.from({ length: 10 }, (_, i) => deposited(i + 1)),
    );
    const versions = async (options: Parameters<EventStore['readStream']>[1]) =>
      (await collect(store.readStream(account('a'), options))).map((e) => e.version);
    expect(await versions(undefined)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await versions({ fromVersion: 4, limit: 5 })).toEqual([5, 6, 7, 8, 9]);
    expect(await versions({ direction: 'backward' })).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(await versions({ direction: 'backward', fromVersion: 8, limit: 4 })).toEqual([7, 6, 5, 4]);
    expect(await versions({ limit: 0 })).toEqual([]);
    expect((await store.getEvents('BankAccount', 'a', 8)).map((e) => e.version)).toEqual([9, 10]);
  });

  it('reads all in position order across streams, with filters and an exclusive fromPosition', async () => {
    const store = stores.create();
    await store.append(account('a'), 'no_stream', [deposited(1)]);
    await store.append({ aggregateType: 'Order', aggregateId: 'o' }, 'no_stream', [
      { eventType: 'OrderPlaced', eventData: {} },
    ]);
    await store.append(account('b'), 'no_stream', [
      deposited(2),
      { eventType: 'AccountClosed', eventData: null },
    ]);
    const all = await collect(store.readAll({ batchSize: 2 }));
    expect(all.map((e) => e.eventType)).toEqual([
      'MoneyDeposited',
      'OrderPlaced',
      'MoneyDeposited',
      'AccountClosed',
    ]);
    const positions = all.map((e) => e.position);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    expect(new Set(positions).size).toBe(4);
    const after = await collect(store.readAll({ fromPosition: positions[1]! }));
    expect(after.map((e) => e.position)).toEqual(positions.slice(2));
    expect((await store.getAllEvents('Order')).map((e) => e.eventType)).toEqual(['OrderPlaced']);
    expect((await store.getAllEvents(undefined, positions[2]!)).map((e) => e.position)).toEqual([
      positions[3],
    ]);
    const filtered = await collect(
      store.readAll({ aggregateTypes: ['BankAccount'], eventTypes: ['AccountClosed'] }),
    );
    expect(filtered.map((e) => e.eventType)).toEqual(['AccountClosed']);
    const byEventType = await collect(store.readAll({ eventTypes: ['OrderPlaced', 'AccountClosed'] }));
    expect(byEventType.map((e) => e.eventType)).toEqual(['OrderPlaced', 'AccountClosed']);
  });

  it('getEventsByType filters by occurredAt (inclusive) and keeps position order', async () => {
    const store = stores.create();
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    await store.append(account('a'), 'no_stream', [
      { eventType: 'MoneyDeposited', eventData: 1, occurredAt: t(30) },
      { eventType: 'MoneyWithdrawn', eventData: 2, occurredAt: t(10) },
      { eventType: 'MoneyDeposited', eventData: 3, occurredAt: t(10) },
    ]);
    expect((await store.getEventsByType('MoneyDeposited')).map((e) => e.eventData)).toEqual([1, 3]);
    expect((await store.getEventsByType('MoneyDeposited', t(10))).map((e) => e.eventData)).toEqual([1, 3]);
    expect((await store.getEventsByType('MoneyDeposited', t(11))).map((e) => e.eventData)).toEqual([1]);
    expect(await store.getEventsByType('Nothing')).toEqual([]);
  });

  it('round-trips every field, occurredAt to the millisecond, and absent optionals stay absent', async () => {
    const store = stores.create();
    const occurredAt = new Date('2026-03-04T05:06:07.891Z');
    const data = {
      text: 'héllo 👋 "quoted" \\ back',
      nested: { list: [1, 2.5, -0.125, null, true], deep: { x: 'y' } },
      big: 1e300,
    };
    await store.append(account('a'), 'no_stream', [
      {
        eventType: 'Full',
        eventData: data,
        eventId: 'full-1',
        schemaVersion: 3,
        occurredAt,
        userId: 'u',
        correlationId: 'c',
        causationId: 'k',
        metadata: { source: 'test', tags: ['a'] },
      },
      { eventType: 'Bare', eventData: 'just a string' },
    ]);
    const [full, bare] = await store.getEvents('BankAccount', 'a');
    expect(full).toMatchObject({
      eventId: 'full-1',
      eventType: 'Full',
      eventData: data,
      schemaVersion: 3,
      userId: 'u',
      correlationId: 'c',
      causationId: 'k',
      metadata: { source: 'test', tags: ['a'] },
    });
    expect(full!.occurredAt.toISOString()).toBe('2026-03-04T05:06:07.891Z');
    expect(bare!.eventData).toBe('just a string');
    expect(bare!.schemaVersion).toBe(1);
    for (const key of ['userId', 'correlationId', 'causationId', 'metadata'])
      expect(bare).not.toHaveProperty(key);
  });

  it('stores JSON null data as the jsonb value null, and absent optionals as SQL NULL', async () => {
    const store = stores.create();
    await store.append(account('a'), 'no_stream', [
      { eventType: 'Nothing', eventData: null },
      { eventType: 'Meta', eventData: [null], metadata: { none: null } },
    ]);
    const { rows } = await stores.pool.query(
      `SELECT event_data = 'null'::jsonb AS data_is_json_null, event_data::text AS data, ` +
        `metadata::text AS metadata, user_id IS NULL AND correlation_id IS NULL AND causation_id IS NULL AS ids_null ` +
        `FROM "${store.schema}".events ORDER BY version`,
    );
    expect(rows).toEqual([
      { data_is_json_null: true, data: 'null', metadata: null, ids_null: true },
      { data_is_json_null: false, data: '[null]', metadata: '{"none": null}', ids_null: true },
    ]);
    expect((await store.getEvents('BankAccount', 'a')).map((e) => e.eventData)).toEqual([null, [null]]);
  });

  it('keeps each event its own occurredAt when a batch mixes them (the batch sends the first one once)', async () => {
    const store = stores.create();
    const at = (ms: number) => new Date(Date.UTC(2026, 4, 6, 7, 8, 9, ms));
    const times = [at(1), at(2), at(1), new Date(-1), at(999), at(2)];
    await store.append(
      account('a'),
      'no_stream',
      times.map((occurredAt) => ({ eventType: 'Timed', eventData: {}, occurredAt })),
    );
    const read = (await store.getEvents('BankAccount', 'a')).map((e) => e.occurredAt.toISOString());
    expect(read).toEqual(times.map((time) => time.toISOString()));
  });

  it('bad input is a typed error and writes nothing', async () => {
    const store = stores.create();
    const attempts = [
      () => store.append(account(''), 'any', [deposited(1)]),
      () => store.append(account('a'), -1, [deposited(1)]),
      () => store.append(account('a'), 'any', [{ eventType: 'X', eventData: { n: Number.NaN } }]),
      () => store.append(account('a'), 'any', [{ eventType: 'X', eventData: 'nul \u0000 byte' }]),
      () => store.append(account('a'), 'any', [{ eventType: '', eventData: 1 }]),
    ];
    for (const attempt of attempts)
      expect(isInvalidArgumentError(await attempt().catch((e: unknown) => e))).toBe(true);
    const twice = await store
      .append(account('a'), 'any', [deposited(1, 'same'), deposited(2, 'same')])
      .catch((e: unknown) => e);
    expect(isDuplicateEventError(twice)).toBe(true);
    expect(await store.getStreamVersion(account('a'))).toBe(0);
  });

  it('keeps the newest snapshot per stream', async () => {
    const store = stores.create();
    expect(await store.getSnapshot('BankAccount', 'a')).toBeNull();
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    await store.saveSnapshot({
      ...account('a'),
      version: 5,
      schemaVersion: 1,
      state: { balance: 5 },
      createdAt,
    });
    await store.saveSnapshot({
      ...account('a'),
      version: 3,
      schemaVersion: 1,
      state: { balance: 3 },
      createdAt,
    });
    expect(await store.getSnapshot('BankAccount', 'a')).toEqual({
      ...account('a'),
      version: 5,
      schemaVersion: 1,
      state: { balance: 5 },
      createdAt,
    });
    await store.saveSnapshot({ ...account('a'), version: 5, schemaVersion: 2, state: [5], createdAt });
    expect((await store.getSnapshot('BankAccount', 'a'))?.state).toEqual([5]);
  });
});
