import { describe, expect, it } from 'vitest';
import {
  createEventPipeline,
  decodeEventRow,
  decodeSnapshotRow,
  pagedEvents,
  readEventsByType,
  readStreamPages,
  type StoredEventFields,
  type StreamPageRequest,
  storeClosedError,
  toEventStoreError,
} from '../src/adapter';
import {
  ConcurrencyError,
  type DomainEvent,
  InvalidArgumentError,
  isStoreUnavailableError,
  StoreUnavailableError,
} from '../src/index';

const row: StoredEventFields = {
  position: 9007199254740993n,
  eventId: 'e-1',
  aggregateType: 'BankAccount',
  aggregateId: 'acc-1',
  version: 3n,
  eventType: 'MoneyDeposited',
  schemaVersion: '2',
  eventData: '{"amount":10}',
  metadata: null,
  occurredAt: '1700000000123',
  userId: null,
  correlationId: 'c-1',
  causationId: undefined,
};

async function collect(events: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const result: DomainEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describe('decodeEventRow: one decoder for every storage', () => {
  it('decodes text JSON, bigint and text integers, epoch text; absent optionals stay absent', () => {
    const event = decodeEventRow(row);
    expect(event).toEqual({
      eventId: 'e-1',
      aggregateType: 'BankAccount',
      aggregateId: 'acc-1',
      eventType: 'MoneyDeposited',
      eventData: { amount: 10 },
      schemaVersion: 2,
      version: 3,
      position: 9007199254740993n,
      occurredAt: new Date(1700000000123),
      correlationId: 'c-1',
    });
    expect(Object.keys(event)).not.toContain('userId');
    expect(Object.keys(event)).not.toContain('causationId');
    expect(Object.keys(event)).not.toContain('metadata');
  });

  it('reads every instant form to the same millisecond: Date, number, bigint, epoch text, ISO text', () => {
    const at = new Date('1969-12-31T23:59:59.999Z');
    const forms = [at, at.getTime(), BigInt(at.getTime()), String(at.getTime()), at.toISOString()];
    for (const occurredAt of forms) expect(decodeEventRow({ ...row, occurredAt }).occurredAt).toEqual(at);
    expect(decodeEventRow({ ...row, occurredAt: '1969-12-31 23:59:59.999+00' }).occurredAt).toEqual(at);
  });

  it('returns a fresh Date, never the stored one', () => {
    const stored = new Date(5);
    const event = decodeEventRow({ ...row, occurredAt: stored });
    expect(event.occurredAt).not.toBe(stored);
  });

  it('keeps values a driver already parsed with json: parsed', () => {
    const event = decodeEventRow({ ...row, eventData: { a: [1] }, metadata: { m: 'x' } }, { json: 'parsed' });
    expect(event.eventData).toEqual({ a: [1] });
    expect(event.metadata).toEqual({ m: 'x' });
  });

  it('turns a corrupt stored value into a non-retriable StoreUnavailableError naming the field', () => {
    const cases: [Partial<StoredEventFields>, RegExp][] = [
      [{ eventData: '{not json' }, /e-1 cannot be read: its eventData is not JSON text/],
      [{ metadata: '[' }, /its metadata is not JSON text/],
      [{ version: 'x' }, /its version x is not a safe integer/],
      [{ position: '1.5' }, /its position 1.5 is not an integer/],
      [{ occurredAt: 'yesterday' }, /its occurredAt yesterday is not an instant/],
    ];
    for (const [fields, message] of cases) {
      let caught: unknown;
      try {
        decodeEventRow({ ...row, ...fields });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StoreUnavailableError);
      expect((caught as StoreUnavailableError).retriable).toBe(false);
      expect((caught as Error).message).toMatch(message);
    }
  });
});

describe('decodeSnapshotRow: the snapshot counterpart', () => {
  const stored = {
    aggregateType: 'BankAccount',
    aggregateId: 'acc-1',
    version: 4n,
    schemaVersion: '1',
    state: '{"balance":10}',
    createdAt: '2024-01-01T00:00:00.005Z',
  };

  it('decodes integers, JSON text and instants as decodeEventRow does', () => {
    expect(decodeSnapshotRow(stored)).toEqual({
      aggregateType: 'BankAccount',
      aggregateId: 'acc-1',
      version: 4,
      schemaVersion: 1,
      state: { balance: 10 },
      createdAt: new Date('2024-01-01T00:00:00.005Z'),
    });
    expect(decodeSnapshotRow({ ...stored, state: { balance: 1 } }, { json: 'parsed' }).state).toEqual({
      balance: 1,
    });
  });

  it('reports a corrupt snapshot as a non-retriable StoreUnavailableError', () => {
    expect(() => decodeSnapshotRow({ ...stored, state: '{' })).toThrow(
      expect.objectContaining({
        code: 'STORE_UNAVAILABLE',
        retriable: false,
        message: expect.stringMatching(/BankAccount\/acc-1 cannot be read: its state is not JSON text/),
      }),
    );
  });
});

describe('readStreamPages: the readStream paging loop, written once', () => {
  const stream = { aggregateType: 'A', aggregateId: '1' };
  const events = Array.from({ length: 7 }, (_, i) =>
    decodeEventRow({ ...row, version: i + 1, position: i + 1 }),
  );
  /** A page fetcher over an array, recording what it was asked. */
  function fetcher() {
    const requests: StreamPageRequest[] = [];
    const fetchPage = (request: StreamPageRequest) => {
      requests.push(request);
      const { direction, fromVersion, limit } = request;
      const found =
        direction === 'forward'
          ? events.filter((e) => e.version > fromVersion)
          : events.filter((e) => e.version < fromVersion).reverse();
      return found.slice(0, limit);
    };
    return { requests, fetchPage };
  }
  const versions = (list: DomainEvent[]) => list.map((e) => e.version);

  it('pages forward by keyset until a short page', async () => {
    const { requests, fetchPage } = fetcher();
    expect(versions(await collect(readStreamPages(stream, undefined, 3, fetchPage)))).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(requests.map((r) => [r.fromVersion, r.limit])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
    ]);
  });

  it('pages backward from the newest, honouring fromVersion (exclusive) and limit', async () => {
    const { requests, fetchPage } = fetcher();
    const read = readStreamPages(stream, { direction: 'backward', fromVersion: 7, limit: 4 }, 3, fetchPage);
    expect(versions(await collect(read))).toEqual([6, 5, 4, 3]);
    expect(requests.map((r) => [r.fromVersion, r.limit])).toEqual([
      [7, 3],
      [4, 1],
    ]);
    const newest = readStreamPages(stream, { direction: 'backward' }, 100, fetcher().fetchPage);
    expect(versions(await collect(newest))[0]).toBe(7);
  });

  it('stops at once with limit 0 and asks for nothing', async () => {
    const { requests, fetchPage } = fetcher();
    expect(await collect(readStreamPages(stream, { limit: 0 }, 3, fetchPage))).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('rejects bad options on the first next(), before any fetch', async () => {
    const { requests, fetchPage } = fetcher();
    await expect(collect(readStreamPages(stream, { limit: -1 }, 3, fetchPage))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      collect(readStreamPages({ aggregateType: ' ', aggregateId: '1' }, undefined, 3, fetchPage)),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(requests).toEqual([]);
  });
});

describe('pagedEvents: a paged read as the generator readStream and readAll return', () => {
  const event = (version: number) => decodeEventRow({ ...row, version, position: version });
  /** Pages of the given versions, then the end; records each fetch. */
  function pages(...versions: number[][]) {
    let fetches = 0;
    const fetchPage = async () => {
      const page = versions[fetches++];
      return page === undefined ? null : page.map(event);
    };
    return { fetchPage, fetches: () => fetches };
  }
  const versionsOf = (list: DomainEvent[]) => list.map((e) => e.version);

  it('hands out every page in order, skips empty pages, fetches nothing before the first next()', async () => {
    const { fetchPage, fetches } = pages([1, 2], [], [3], [4, 5]);
    const read = pagedEvents(() => fetchPage);
    expect(fetches()).toBe(0);
    expect(versionsOf(await collect(read))).toEqual([1, 2, 3, 4, 5]);
    expect(fetches()).toBe(5);
    await expect(read.next()).resolves.toEqual({ value: undefined, done: true });
    expect(fetches()).toBe(5);
  });

  it('answers next() calls made without waiting in order, as a generator queues them', async () => {
    const { fetchPage } = pages([1, 2], [3]);
    const read = pagedEvents(() => fetchPage);
    const results = await Promise.all([read.next(), read.next(), read.next(), read.next(), read.next()]);
    expect(results).toEqual([
      { value: expect.objectContaining({ version: 1 }), done: false },
      { value: expect.objectContaining({ version: 2 }), done: false },
      { value: expect.objectContaining({ version: 3 }), done: false },
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
  });

  it('ends on return() or break mid-page and fetches no further page', async () => {
    const { fetchPage, fetches } = pages([1, 2, 3], [4]);
    const read = pagedEvents(() => fetchPage);
    for await (const e of read) if (e.version === 2) break;
    await expect(read.next()).resolves.toEqual({ value: undefined, done: true });
    expect(fetches()).toBe(1);
    const thrown = pagedEvents(() => pages([1, 2]).fetchPage);
    await thrown.next();
    await expect(thrown.throw(new Error('stop'))).rejects.toThrow('stop');
    await expect(thrown.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('rejects the next() whose fetch fails, then is over', async () => {
    let calls = 0;
    const read = pagedEvents(() => async () => {
      calls++;
      if (calls === 2) throw new StoreUnavailableError('gone', { retriable: true });
      return [event(calls)];
    });
    await expect(read.next()).resolves.toMatchObject({ done: false });
    await expect(read.next()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(read.next()).resolves.toEqual({ value: undefined, done: true });
    expect(calls).toBe(2);
  });
});

describe('readEventsByType: getEventsByType with renamed types merged, written once', () => {
  const at = (position: number, eventType: string) =>
    decodeEventRow({ ...row, position, eventType, version: position });
  const stored: Record<string, DomainEvent[]> = {
    FundsAdded: [at(1, 'FundsAdded'), at(4, 'FundsAdded')],
    MoneyDeposited: [at(2, 'MoneyDeposited'), at(3, 'MoneyDeposited')],
  };
  const fetchOfType = (type: string) => stored[type] ?? [];

  it('without renames asks for the one type', async () => {
    const asked: string[] = [];
    const found = await readEventsByType(createEventPipeline(), 'FundsAdded', undefined, (type) => {
      asked.push(type);
      return fetchOfType(type);
    });
    expect(asked).toEqual(['FundsAdded']);
    expect(found.map((e) => e.position)).toEqual([1n, 4n]);
  });

  it('merges every stored name of a renamed type back into position order, by its new name', async () => {
    const pipeline = createEventPipeline({
      upcasters: [
        { eventType: 'FundsAdded', fromSchemaVersion: 2, toEventType: 'MoneyDeposited', upcast: (d) => d },
      ],
    });
    const found = await readEventsByType(pipeline, 'MoneyDeposited', undefined, (type) =>
      fetchOfType(type).map(pipeline.upcast),
    );
    expect(found.map((e) => [e.position, e.eventType])).toEqual([
      [1n, 'MoneyDeposited'],
      [2n, 'MoneyDeposited'],
      [3n, 'MoneyDeposited'],
      [4n, 'MoneyDeposited'],
    ]);
    expect(
      await readEventsByType(pipeline, 'FundsAdded', undefined, (type) =>
        fetchOfType(type).map(pipeline.upcast),
      ),
    ).toEqual([]);
  });

  it('validates the type and date before fetching', async () => {
    const fetch = () => expect.unreachable('fetched despite bad arguments');
    await expect(readEventsByType(createEventPipeline(), '', undefined, fetch)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      readEventsByType(createEventPipeline(), 'A', new Date(Number.NaN), fetch),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('toEventStoreError: the one error rule', () => {
  const context = { store: 'Test', action: 'append to A/1' };
  const classify = (error: unknown) =>
    (error as { code?: string }).code === 'BUSY'
      ? new StoreUnavailableError('busy', { cause: error, retriable: true })
      : undefined;

  it('passes a Chronicle error through unchanged', () => {
    const conflict = new ConcurrencyError({ aggregateType: 'A', aggregateId: '1' }, 0, 1);
    expect(toEventStoreError(conflict, classify, context)).toBe(conflict);
  });

  it("lets the adapter's classifier decide what it recognises", () => {
    const driverError = Object.assign(new Error('database is locked'), { code: 'BUSY' });
    const mapped = toEventStoreError(driverError, classify, context);
    expect(mapped.message).toBe('busy');
    expect(mapped.cause).toBe(driverError);
  });

  it('wraps anything else in a non-retriable StoreUnavailableError that keeps the cause', () => {
    for (const unknownError of [new TypeError('x is not a function'), 'a thrown string']) {
      const mapped = toEventStoreError(unknownError, classify, context);
      expect(isStoreUnavailableError(mapped)).toBe(true);
      expect((mapped as StoreUnavailableError).retriable).toBe(false);
      expect(mapped.cause).toBe(unknownError);
      expect(mapped.message).toMatch(/^Test: append to A\/1 failed: /);
    }
    expect(toEventStoreError(new Error('boom'), classify, { store: 'Test' }).message).toBe(
      'Test: a call failed: boom',
    );
  });

  it('storeClosedError is the closed-store error every adapter throws', () => {
    const closed = storeClosedError('Test');
    expect(closed.message).toBe('The Test event store is closed');
    expect(closed.retriable).toBe(false);
  });
});

describe('the root entry keeps the adapter helpers one minor version, as deprecated aliases', () => {
  it('each is the kit’s own binding', async () => {
    const kit: Record<string, unknown> = { ...(await import('../src/adapter')) };
    const root: Record<string, unknown> = { ...(await import('../src')) };
    const moved = Object.keys(root).filter((name) => name in kit);
    expect(moved).toEqual(expect.arrayContaining(['prepareAppend', 'createEventPipeline', 'assertVersion']));
    for (const name of moved) expect(root[name]).toBe(kit[name]);
  });
});
