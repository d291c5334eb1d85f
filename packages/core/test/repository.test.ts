import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AggregateNotFoundError,
  ConcurrencyError,
  createInMemoryEventStore,
  everyNEvents,
  InvalidArgumentError,
  isAggregateNotFoundError,
  isConcurrencyError,
  maxSnapshotAge,
  Repository,
  type RepositoryOptions,
  type SnapshotErrorInfo,
} from '../src/index';
import { BANK_ACCOUNT, BankAccount } from './support/bank-account';
import { type RecordingStore, recording, snapshotVersions } from './support/recording-store';

const stream = (aggregateId: string) => ({ aggregateType: BANK_ACCOUNT, aggregateId });

function setup(options: Partial<RepositoryOptions<BankAccount>> = {}): {
  store: RecordingStore;
  accounts: Repository<BankAccount>;
  errors: [unknown, SnapshotErrorInfo][];
} {
  const store = recording(createInMemoryEventStore());
  const errors: [unknown, SnapshotErrorInfo][] = [];
  const accounts = new Repository(store, {
    create: (id) => new BankAccount(id),
    onSnapshotError: (error, info) => errors.push([error, info]),
    ...options,
  });
  return { store, accounts, errors };
}

async function openAccount(accounts: Repository<BankAccount>, id = 'acc-1', deposits: number[] = []) {
  const account = new BankAccount(id);
  account.open('Ada');
  for (const cents of deposits) account.deposit(cents);
  await accounts.save(account);
  return account;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Repository.load / get', () => {
  it('load returns null and get throws AggregateNotFoundError for a stream with no events', async () => {
    const { accounts } = setup();
    await expect(accounts.load('nobody')).resolves.toBeNull();
    const error = await accounts.get('nobody').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateNotFoundError);
    expect(isAggregateNotFoundError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'AGGREGATE_NOT_FOUND',
      aggregateType: BANK_ACCOUNT,
      aggregateId: 'nobody',
    });
  });

  it('rebuilds what was saved: state, version, nothing uncommitted', async () => {
    const { accounts } = setup();
    const saved = await openAccount(accounts, 'acc-1', [100, 250]);
    const loaded = await accounts.get('acc-1');
    expect(loaded.state()).toEqual(saved.state());
    expect(loaded.version).toBe(3);
    expect(loaded.committedVersion).toBe(3);
    expect(loaded.uncommittedEvents).toEqual([]);
    await expect(accounts.load('acc-1')).resolves.toBeInstanceOf(BankAccount);
  });

  it('keeps streams apart by id', async () => {
    const { accounts } = setup();
    await openAccount(accounts, 'acc-1', [100]);
    await openAccount(accounts, 'acc-2', [7]);
    expect((await accounts.get('acc-1')).balanceCents).toBe(100);
    expect((await accounts.get('acc-2')).balanceCents).toBe(7);
  });

  it('rejects a malformed id, and a factory that returns the wrong aggregate', async () => {
    const { accounts } = setup();
    await expect(accounts.load('')).rejects.toThrow(InvalidArgumentError);
    const wrong = new Repository(createInMemoryEventStore(), { create: () => new BankAccount('other') });
    await expect(wrong.load('acc-1')).rejects.toThrow(/options\.create/);
    expect(() => new Repository(createInMemoryEventStore(), {} as RepositoryOptions<BankAccount>)).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('Repository.save', () => {
  it('appends the uncommitted events expecting the committed version, then marks them committed', async () => {
    const { accounts, store } = setup();
    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(100);
    const result = await accounts.save(account);
    expect(result).toMatchObject({ nextExpectedVersion: 2, eventsAppended: 2, snapshotSaved: false });
    expect(result.firstPosition).toBe(1n);
    expect(result.lastPosition).toBe(2n);
    expect(account.uncommittedEvents).toEqual([]);
    expect(account.committedVersion).toBe(2);
    account.deposit(5);
    await accounts.save(account);
    expect(store.calls.filter((c) => c.method === 'append')).toEqual([
      { method: 'append', expectedVersion: 0, count: 2 },
      { method: 'append', expectedVersion: 2, count: 1 },
    ]);
    expect(await store.getStreamVersion(stream('acc-1'))).toBe(3);
  });

  it('stores exactly what was raised: ids, types, data, schema versions and times', async () => {
    const { accounts, store } = setup();
    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(100);
    const raised = account.uncommittedEvents;
    await accounts.save(account);
    const events = await store.getEvents(BANK_ACCOUNT, 'acc-1');
    expect(
      events.map((e) => [e.eventId, e.eventType, e.eventData, e.schemaVersion, e.version, e.occurredAt]),
    ).toEqual(
      raised.map((e) => [e.eventId, e.eventType, e.eventData, e.schemaVersion, e.version, e.occurredAt]),
    );
  });

  it('does nothing when there is nothing to save', async () => {
    const { accounts, store } = setup();
    const account = await openAccount(accounts);
    const calls = store.calls.length;
    await expect(accounts.save(account)).resolves.toEqual({
      nextExpectedVersion: 1,
      eventsAppended: 0,
      firstPosition: undefined,
      lastPosition: undefined,
      snapshotSaved: false,
    });
    expect(store.calls.length).toBe(calls);
  });

  it('stamps request metadata on every event; values the event was raised with win', async () => {
    const { accounts, store } = setup();
    const account = await openAccount(accounts);
    account.deposit(100, { correlationId: 'from-the-event' });
    account.deposit(200);
    await accounts.save(account, {
      userId: 'u-7',
      correlationId: 'req-1',
      causationId: 'cmd-9',
      metadata: { source: 'api', ip: '10.0.0.1' },
    });
    const [first, second] = await store.getEvents(BANK_ACCOUNT, 'acc-1', 1);
    expect(first).toMatchObject({
      userId: 'u-7',
      correlationId: 'from-the-event',
      causationId: 'cmd-9',
      metadata: { source: 'api', ip: '10.0.0.1' },
    });
    expect(second).toMatchObject({ userId: 'u-7', correlationId: 'req-1', causationId: 'cmd-9' });
    const [openedEvent] = await store.getEvents(BANK_ACCOUNT, 'acc-1');
    expect(openedEvent?.userId).toBeUndefined();
    expect(openedEvent?.metadata).toBeUndefined();
  });

  it('throws ConcurrencyError with the actual version when the stream moved, writing nothing', async () => {
    const { accounts, store } = setup();
    await openAccount(accounts, 'acc-1', [100]);
    const alice = await accounts.get('acc-1');
    const bob = await accounts.get('acc-1');
    alice.deposit(1);
    alice.deposit(2);
    await accounts.save(alice);
    bob.withdraw(50);
    const error = await accounts.save(bob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(isConcurrencyError(error)).toBe(true);
    expect(error).toMatchObject({ expectedVersion: 2, actualVersion: 4, stream: stream('acc-1') });
    expect(bob.uncommittedEvents).toHaveLength(1);
    expect(bob.committedVersion).toBe(2);
    expect(await store.getStreamVersion(stream('acc-1'))).toBe(4);
  });

  it('refuses to create an aggregate whose stream already exists', async () => {
    const { accounts } = setup();
    await openAccount(accounts, 'acc-1');
    const twin = new BankAccount('acc-1');
    twin.open('Mallory');
    await expect(accounts.save(twin)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await accounts.get('acc-1')).owner).toBe('Ada');
  });

  it('lets a save be repeated after an unknown outcome: the same event ids make it idempotent', async () => {
    const { accounts, store } = setup();
    const account = await openAccount(accounts);
    account.deposit(100);
    const pending = account.uncommittedEvents;
    // The first attempt committed but its reply was lost: replay it directly, then save normally.
    await store.append(stream('acc-1'), 1, pending);
    await accounts.save(account);
    expect(await store.getStreamVersion(stream('acc-1'))).toBe(2);
  });
});

describe('Repository snapshots', () => {
  it('loads from the newest snapshot plus only the events after it', async () => {
    const { accounts, store } = setup({ snapshotStrategy: everyNEvents(3) });
    const account = await openAccount(accounts, 'acc-1', [1, 2]);
    expect(snapshotVersions(store)).toEqual([3]);
    account.deposit(4);
    await accounts.save(account);
    store.calls.length = 0;
    const loaded = await accounts.get('acc-1');
    expect(loaded.state()).toEqual(account.state());
    expect(loaded.version).toBe(4);
    expect(store.calls).toEqual([{ method: 'getSnapshot' }, { method: 'getEvents', fromVersion: 3 }]);
  });

  it('uses a snapshot taken at the stream head (empty tail) after checking the stream version', async () => {
    const { accounts, store } = setup({ snapshotStrategy: everyNEvents(1) });
    const account = await openAccount(accounts, 'acc-1', [5]);
    store.calls.length = 0;
    const loaded = await accounts.get('acc-1');
    expect(loaded.state()).toEqual(account.state());
    expect(store.calls.map((c) => c.method)).toEqual(['getSnapshot', 'getEvents', 'getStreamVersion']);
  });

  it('counts events since the last snapshot, so a multi-event save cannot step over the threshold', async () => {
    const { accounts, store } = setup({ snapshotStrategy: everyNEvents(3) });
    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(1);
    await accounts.save(account); // v2: 2 since none
    account.deposit(1);
    account.deposit(1);
    await accounts.save(account); // v4: 4 since none -> snapshot (4 % 3 !== 0)
    account.deposit(1);
    account.deposit(1);
    await accounts.save(account); // v6: 2 since v4
    account.deposit(1);
    const result = await accounts.save(account); // v7: 3 since v4 -> snapshot
    expect(result.snapshotSaved).toBe(true);
    expect(snapshotVersions(store)).toEqual([4, 7]);
    expect((await store.getSnapshot(BANK_ACCOUNT, 'acc-1'))?.version).toBe(7);
  });

  it('counts from the snapshot it loaded', async () => {
    const { accounts, store } = setup({ snapshotStrategy: everyNEvents(3) });
    await openAccount(accounts, 'acc-1', [1, 1]); // v3 -> snapshot
    const loaded = await accounts.get('acc-1');
    loaded.deposit(1);
    loaded.deposit(1);
    await accounts.save(loaded); // v5: 2 since v3
    expect(snapshotVersions(store)).toEqual([3]);
    loaded.deposit(1);
    await accounts.save(loaded); // v6: 3 since v3
    expect(snapshotVersions(store)).toEqual([3, 6]);
  });

  it('counts from the real last snapshot when another repository saves the loaded aggregate', async () => {
    const { accounts, store } = setup({ snapshotStrategy: everyNEvents(3) });
    const other = new Repository(store, {
      create: (id) => new BankAccount(id),
      snapshotStrategy: everyNEvents(3),
    });
    await openAccount(accounts, 'acc-1', [1, 1]); // v3 -> snapshot
    const loaded = await accounts.get('acc-1');
    loaded.deposit(1);
    await other.save(loaded); // v4: 1 since v3, not 4 since none
    expect(snapshotVersions(store)).toEqual([3]);
  });

  it('ignores a snapshot of another schema version and replays the stream', async () => {
    const { accounts, store } = setup();
    const account = await openAccount(accounts, 'acc-1', [10, 20]);
    await store.saveSnapshot({
      ...account.toSnapshot(),
      schemaVersion: 99,
      state: { balanceCents: -1 },
    });
    store.calls.length = 0;
    const loaded = await accounts.get('acc-1');
    expect(loaded.state()).toEqual(account.state());
    expect(store.calls).toEqual([{ method: 'getSnapshot' }, { method: 'getEvents', fromVersion: undefined }]);
  });

  it('ignores a snapshot ahead of its stream and replays it', async () => {
    const { accounts, store } = setup();
    const account = await openAccount(accounts, 'acc-1', [10]);
    await store.saveSnapshot({
      ...account.toSnapshot(),
      version: 9,
      state: { ...account.state(), balanceCents: 1e6 },
    });
    const loaded = await accounts.get('acc-1');
    expect(loaded.balanceCents).toBe(10);
    expect(loaded.version).toBe(2);
  });

  it('treats a stream with only a snapshot as absent', async () => {
    const { accounts, store } = setup();
    const account = await openAccount(createRepositoryFor(createInMemoryEventStore()), 'ghost', [1]);
    await store.saveSnapshot(account.toSnapshot());
    await expect(accounts.load('ghost')).resolves.toBeNull();
  });

  it('reports a snapshot that cannot be restored and replays the stream instead', async () => {
    const { accounts, store, errors } = setup();
    const account = await openAccount(accounts, 'acc-1', [10]);
    await store.saveSnapshot({ ...account.toSnapshot(), state: null });
    const loaded = await accounts.get('acc-1');
    expect(loaded.state()).toEqual(account.state());
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toEqual({
      aggregateType: BANK_ACCOUNT,
      aggregateId: 'acc-1',
      phase: 'load',
      version: 2,
    });
  });

  it('never fails a committed save when the snapshot write fails; it reports it', async () => {
    const { accounts, store, errors } = setup({ snapshotStrategy: everyNEvents(1) });
    store.failSnapshotWrites = new Error('disk full');
    const account = new BankAccount('acc-1');
    account.open('Ada');
    const result = await accounts.save(account);
    expect(result).toMatchObject({ nextExpectedVersion: 1, eventsAppended: 1, snapshotSaved: false });
    expect(account.committedVersion).toBe(1);
    expect(await store.getStreamVersion(stream('acc-1'))).toBe(1);
    expect(errors).toEqual([
      [
        store.failSnapshotWrites,
        { aggregateType: BANK_ACCOUNT, aggregateId: 'acc-1', phase: 'save', version: 1 },
      ],
    ]);
    // The failed snapshot does not count as taken: the next save tries again.
    store.failSnapshotWrites = undefined;
    account.deposit(1);
    await expect(accounts.save(account)).resolves.toMatchObject({ snapshotSaved: true });
  });

  it('never fails a committed save when the strategy, the aggregate or the hook throws', async () => {
    const boom = new Error('strategy bug');
    const { accounts, errors } = setup({
      snapshotStrategy: () => {
        throw boom;
      },
    });
    await expect(openAccount(accounts)).resolves.toBeInstanceOf(BankAccount);
    expect(errors.map(([e]) => e)).toEqual([boom]);

    const throwingHook = new Repository(createInMemoryEventStore(), {
      create: (id) => new BankAccount(id),
      snapshotStrategy: () => {
        throw boom;
      },
      onSnapshotError: () => {
        throw new Error('hook bug');
      },
    });
    await expect(openAccount(throwingHook)).resolves.toBeInstanceOf(BankAccount);
  });

  it('warns on the console by default when a snapshot fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const store = recording(createInMemoryEventStore());
    store.failSnapshotWrites = new Error('disk full');
    const accounts = new Repository(store, {
      create: (id) => new BankAccount(id),
      snapshotStrategy: everyNEvents(1),
    });
    await openAccount(accounts);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('BankAccount/acc-1');
  });

  it('passes the strategy the counts, the last snapshot and the clock', async () => {
    const seen: unknown[] = [];
    let now = new Date('2024-01-01T00:00:00.000Z');
    const { accounts } = setup({
      clock: () => now,
      snapshotStrategy: (context) => {
        seen.push(context);
        return context.version >= 2;
      },
    });
    const account = await openAccount(accounts, 'acc-1', [1]);
    now = new Date('2024-01-02T00:00:00.000Z');
    account.deposit(1);
    await accounts.save(account);
    expect(seen).toEqual([
      {
        aggregateType: BANK_ACCOUNT,
        aggregateId: 'acc-1',
        version: 2,
        eventsAppended: 2,
        eventsSinceSnapshot: 2,
        lastSnapshot: null,
        now: new Date('2024-01-01T00:00:00.000Z'),
      },
      {
        aggregateType: BANK_ACCOUNT,
        aggregateId: 'acc-1',
        version: 3,
        eventsAppended: 1,
        eventsSinceSnapshot: 1,
        lastSnapshot: { version: 2, createdAt: new Date('2024-01-01T00:00:00.000Z') },
        now,
      },
    ]);
  });

  it('snapshots by age with maxSnapshotAge and the repository clock', async () => {
    let now = new Date('2024-01-01T00:00:00.000Z');
    const hour = 60 * 60 * 1000;
    const { accounts, store } = setup({ clock: () => now, snapshotStrategy: maxSnapshotAge(hour) });
    const account = await openAccount(accounts); // no snapshot yet -> take one
    now = new Date(now.getTime() + hour - 1);
    account.deposit(1);
    await accounts.save(account); // too young
    now = new Date(now.getTime() + 1);
    account.deposit(1);
    await accounts.save(account); // exactly an hour old
    expect(snapshotVersions(store)).toEqual([1, 3]);
    expect((await store.getSnapshot(BANK_ACCOUNT, 'acc-1'))?.createdAt).toEqual(now);
  });
});

function createRepositoryFor(store: ReturnType<typeof createInMemoryEventStore>): Repository<BankAccount> {
  return new Repository(store, { create: (id) => new BankAccount(id) });
}
