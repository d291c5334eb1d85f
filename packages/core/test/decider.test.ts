import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AggregateEvent,
  ConcurrencyError,
  commandHandler,
  createInMemoryEventStore,
  defineDecider,
  everyNEvents,
  handleCommand,
  InvalidArgumentError,
  InvalidDecisionError,
  isInvalidDecisionError,
  isUnknownEventTypeError,
  type ReadWriteEventStore,
  type SnapshotErrorInfo,
  type StateOf,
  UnknownEventTypeError,
} from '../src/index';
import { BANK_ACCOUNT, BankAccount, type BankAccountState } from './support/bank-account';
import {
  AccountRuleError,
  type BankAccountCommand,
  bankAccountDecider,
} from './support/bank-account-decider';
import { bankAccountUpcasters } from './support/bank-account-upcasters';
import { recording, snapshotVersions } from './support/recording-store';

const acc = (aggregateId = 'acc-1') => ({ aggregateType: BANK_ACCOUNT, aggregateId });
const at = (iso: string) => () => new Date(iso);

async function opened<T extends ReadWriteEventStore>(store: T, deposits: number[] = []): Promise<T> {
  await handleCommand(store, acc(), bankAccountDecider, { type: 'Open', owner: 'Ada' });
  for (const amountCents of deposits) {
    await handleCommand(store, acc(), bankAccountDecider, { type: 'Deposit', amountCents });
  }
  return store;
}

describe('handleCommand: load, decide, append', () => {
  it('starts a new stream from the initial state and returns the new events, version and state', async () => {
    const store = createInMemoryEventStore();
    const result = await handleCommand(
      store,
      acc(),
      bankAccountDecider,
      { type: 'Open', owner: 'Ada', overdraftLimitCents: 500 },
      { clock: at('2026-01-02T03:04:05.000Z') },
    );
    expect(result.nextExpectedVersion).toBe(1);
    expect(result.attempts).toBe(1);
    expect(result.state).toMatchObject({ owner: 'Ada', overdraftLimitCents: 500, balanceCents: 0 });
    expect(result.newEvents).toEqual([
      expect.objectContaining({
        eventType: 'AccountOpened',
        eventData: { owner: 'Ada', overdraftLimitCents: 500 },
        version: 1,
        schemaVersion: 2,
        occurredAt: new Date('2026-01-02T03:04:05.000Z'),
      }),
    ]);
    const [stored] = await store.getEvents(BANK_ACCOUNT, 'acc-1');
    expect(stored).toMatchObject({ eventId: result.newEvents[0]?.eventId, schemaVersion: 2, version: 1 });
    expect(result.firstPosition).toBe(stored?.position);
  });

  it('decides on the state the stream holds, and appends expecting the loaded version', async () => {
    const store = await opened(recording(createInMemoryEventStore()), [100, 250]);
    store.calls.length = 0;
    const result = await handleCommand(store, acc(), bankAccountDecider, {
      type: 'Withdraw',
      amountCents: 300,
    });
    expect(result.state.balanceCents).toBe(50);
    expect(result.nextExpectedVersion).toBe(4);
    expect(store.calls).toContainEqual({ method: 'append', expectedVersion: 3, count: 1 });
  });

  it('lets the domain error through and writes nothing', async () => {
    const store = await opened(recording(createInMemoryEventStore()), [100]);
    const error = await handleCommand(store, acc(), bankAccountDecider, {
      type: 'Withdraw',
      amountCents: 1_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountRuleError);
    expect(await store.getStreamVersion(acc())).toBe(2);
  });

  it('appends nothing when decide returns no events', async () => {
    const noop = defineDecider({ ...bankAccountDecider, decide: () => [] });
    const store = await opened(recording(createInMemoryEventStore()));
    store.calls.length = 0;
    const result = await handleCommand(store, acc(), noop, { type: 'Deposit', amountCents: 1 });
    expect(result).toMatchObject({ newEvents: [], nextExpectedVersion: 1, firstPosition: undefined });
    expect(store.calls.filter((c) => c.method === 'append')).toEqual([]);
  });

  it('stamps the request metadata on every event, as Repository.save does', async () => {
    const store = createInMemoryEventStore();
    const result = await handleCommand(
      store,
      acc(),
      bankAccountDecider,
      { type: 'Open', owner: 'Ada' },
      { userId: 'u-7', correlationId: 'req-1', causationId: 'cmd-1', metadata: { ip: '10.0.0.1' } },
    );
    const [stored] = await store.getEvents(BANK_ACCOUNT, 'acc-1');
    const stamped = {
      userId: 'u-7',
      correlationId: 'req-1',
      causationId: 'cmd-1',
      metadata: { ip: '10.0.0.1' },
    };
    expect(stored).toMatchObject(stamped);
    expect(result.newEvents[0]).toMatchObject(stamped);
  });

  it('reads what the class style wrote, and the other way round: the same stream, the same events', async () => {
    const store = createInMemoryEventStore();
    const account = new BankAccount('acc-1');
    account.open('Ada');
    account.deposit(100);
    await store.append(acc(), 0, account.uncommittedEvents);
    const result = await handleCommand(store, acc(), bankAccountDecider, { type: 'Deposit', amountCents: 5 });
    const replayed = new BankAccount('acc-1');
    replayed.loadFromHistory(await store.getEvents(BANK_ACCOUNT, 'acc-1'));
    expect(replayed.state()).toEqual(result.state);
  });
});

describe('handleCommand: conflicts and retries', () => {
  it('retries a conflicting command on fresh state with the withRetry policy', async () => {
    const store = await opened(createInMemoryEventStore(), [100]);
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        handleCommand(
          store,
          acc(),
          bankAccountDecider,
          { type: 'Deposit', amountCents: n },
          {
            retry: { maxAttempts: 5, baseDelayMs: 1, jitter: 'none' },
          },
        ),
      ),
    );
    // All three loaded version 2; each conflict was retried on fresh state, so none was lost.
    expect(Math.max(...results.map((r) => r.attempts))).toBeGreaterThan(1);
    expect(results.map((r) => r.nextExpectedVersion).sort()).toEqual([3, 4, 5]);
    expect(Math.max(...results.map((r) => r.state.balanceCents))).toBe(106);
  });

  it('with retry: false, one attempt: the conflict is thrown with the actual version', async () => {
    const store = await opened(createInMemoryEventStore());
    const outcomes = await Promise.allSettled(
      [1, 2].map((n) =>
        handleCommand(
          store,
          acc(),
          bankAccountDecider,
          { type: 'Deposit', amountCents: n },
          { retry: false },
        ),
      ),
    );
    const rejected = outcomes.find((o) => o.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ConcurrencyError);
    expect(rejected?.status === 'rejected' && rejected.reason).toMatchObject({
      expectedVersion: 1,
      actualVersion: 2,
    });
  });
});

describe('handleCommand: snapshots and upcasting, exactly as for aggregates', () => {
  it('snapshots the state by the strategy and loads from the newest usable snapshot', async () => {
    const store = recording(createInMemoryEventStore());
    const handle = commandHandler(bankAccountDecider, { snapshotStrategy: everyNEvents(2) });
    await handle(store, acc(), { type: 'Open', owner: 'Ada' });
    const second = await handle(store, acc(), { type: 'Deposit', amountCents: 100 });
    expect(second.snapshotSaved).toBe(true);
    expect(snapshotVersions(store)).toEqual([2]);
    expect((await store.getSnapshot(BANK_ACCOUNT, 'acc-1'))?.state).toEqual(second.state);

    store.calls.length = 0;
    const third = await handle(store, acc(), { type: 'Deposit', amountCents: 5 });
    expect(store.calls[0]).toEqual({ method: 'getSnapshot' });
    expect(store.calls).toContainEqual({ method: 'getEvents', fromVersion: 2 });
    expect(third.snapshotSaved).toBe(false);
    expect(third.state.balanceCents).toBe(105);
  });

  it('ignores a snapshot of another schema version and replays the stream', async () => {
    const store = recording(createInMemoryEventStore());
    await commandHandler(bankAccountDecider, { snapshotStrategy: everyNEvents(1) })(store, acc(), {
      type: 'Open',
      owner: 'Ada',
    });
    const v2 = defineDecider({ ...bankAccountDecider, snapshotSchemaVersion: 2 });
    store.calls.length = 0;
    const result = await handleCommand(store, acc(), v2, { type: 'Deposit', amountCents: 7 });
    expect(store.calls).toContainEqual({ method: 'getEvents', fromVersion: undefined });
    expect(result.state).toMatchObject({ owner: 'Ada', balanceCents: 7 });
  });

  it('reports a snapshot that cannot be written, and the command still succeeds', async () => {
    const store = recording(createInMemoryEventStore());
    store.failSnapshotWrites = new Error('disk full');
    const errors: SnapshotErrorInfo[] = [];
    const result = await handleCommand(
      store,
      acc(),
      bankAccountDecider,
      { type: 'Open', owner: 'Ada' },
      {
        snapshotStrategy: everyNEvents(1),
        onSnapshotError: (_error, info) => errors.push(info),
      },
    );
    expect(result.snapshotSaved).toBe(false);
    expect(errors).toEqual([
      { aggregateType: BANK_ACCOUNT, aggregateId: 'acc-1', phase: 'save', version: 1 },
    ]);
    expect(await store.getStreamVersion(acc())).toBe(1);
  });

  it('evolves stored old-shape events after the store upcasts them, and stamps the current versions', async () => {
    const store = createInMemoryEventStore({ upcasters: bankAccountUpcasters });
    await store.append(acc(), 0, [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' }, schemaVersion: 1 },
      { eventType: 'MoneyDeposited', eventData: { amount: 12.5 }, schemaVersion: 1 },
      { eventType: 'FundsWithdrawn', eventData: { amount: 2.5 }, schemaVersion: 1 },
    ]);
    const result = await handleCommand(store, acc(), bankAccountDecider, { type: 'Deposit', amountCents: 1 });
    expect(result.state.balanceCents).toBe(1_000 + 1);
    expect(result.newEvents[0]?.schemaVersion).toBe(3);
  });
});

describe('bad input gets a typed error naming what is wrong, and nothing is written', () => {
  it('a stream ref that is not one', async () => {
    const store = createInMemoryEventStore();
    for (const [stream, argument] of [
      ['acc-1', 'stream'],
      [null, 'stream'],
      [{ aggregateType: 'BankAccount' }, 'stream.aggregateId'],
      [{ aggregateType: '', aggregateId: 'a' }, 'stream.aggregateType'],
    ] as const) {
      const error = await handleCommand(store, stream as never, bankAccountDecider, {
        type: 'Open',
        owner: 'Ada',
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument });
    }
    expect(store.size).toBe(0);
  });

  it('a decider that returns something other than an array of events', async () => {
    const store = createInMemoryEventStore();
    const cases: [unknown, string][] = [
      [undefined, 'returned undefined; decide must return an array'],
      [{ eventType: 'AccountOpened', eventData: {} }, 'a single event (AccountOpened) instead of an array'],
      [[{ eventData: {} }], 'at index 0, an object, not an event'],
      [[null], 'at index 0, null, not an event'],
    ];
    for (const [decided, problem] of cases) {
      const broken = defineDecider({ ...bankAccountDecider, decide: () => decided as never });
      const error = await handleCommand(store, acc(), broken, { type: 'Open', owner: 'Ada' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidDecisionError);
      expect(isInvalidDecisionError(error)).toBe(true);
      expect((error as Error).message).toContain('BankAccount.decide(command Open)');
      expect((error as Error).message).toContain(problem);
    }
    expect(store.size).toBe(0);
  });

  it('a stored event type evolve does not know', async () => {
    const store = createInMemoryEventStore();
    await store.append(acc(), 0, [{ eventType: 'AccountFrozen', eventData: {} }]);
    const error = await handleCommand(store, acc(), bankAccountDecider, { type: 'Open', owner: 'Ada' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownEventTypeError);
    expect(error).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', eventType: 'AccountFrozen', version: 1 });
    expect((error as Error).message).toContain('decider\u2019s evolve');
    expect(await store.getStreamVersion(acc())).toBe(1);
  });

  it('a decided event type evolve does not know is refused before anything is written', async () => {
    const store = createInMemoryEventStore();
    const broken = defineDecider({
      ...bankAccountDecider,
      decide: () => [{ eventType: 'AccountFrozen', eventData: {} }] as never,
    });
    const error = await handleCommand(store, acc(), broken, { type: 'Open', owner: 'Ada' }).catch(
      (e: unknown) => e,
    );
    expect(isUnknownEventTypeError(error)).toBe(true);
    expect(store.size).toBe(0);
  });

  it('a malformed decider or option', async () => {
    const store = createInMemoryEventStore();
    const open: BankAccountCommand = { type: 'Open', owner: 'Ada' };
    const cases: [unknown, string][] = [
      [null, 'decider'],
      [{ ...bankAccountDecider, decide: 'no' }, 'decider.decide'],
      [{ ...bankAccountDecider, initialState: {} }, 'decider.initialState'],
      [{ ...bankAccountDecider, evolve: { AccountOpened: 1 } }, 'decider.evolve.AccountOpened'],
      [
        { ...bankAccountDecider, eventSchemaVersions: { MoneyDeposited: 0 } },
        'decider.eventSchemaVersions.MoneyDeposited',
      ],
    ];
    for (const [decider, argument] of cases) {
      await expect(handleCommand(store, acc(), decider as never, open)).rejects.toMatchObject({ argument });
      expect(() => defineDecider(decider as never)).toThrow(InvalidArgumentError);
    }
    await expect(
      handleCommand(store, acc(), bankAccountDecider, open, { snapshotStrategy: 5 as never }),
    ).rejects.toMatchObject({ argument: 'options.snapshotStrategy' });
    await expect(
      handleCommand(store, acc(), bankAccountDecider, open, { retry: true as never }),
    ).rejects.toMatchObject({ argument: 'options.retry' });
    await expect(handleCommand({} as never, acc(), bankAccountDecider, open)).rejects.toMatchObject({
      argument: 'store',
    });
    expect(store.size).toBe(0);
  });
});

describe('types', () => {
  it('are inferred from the annotated decide, and every event type must be evolved', () => {
    type Ev = AggregateEvent<'Opened', { owner: string }> | AggregateEvent<'Renamed', { owner: string }>;
    const decider = defineDecider({
      initialState: () => ({ owner: '' }),
      evolve: {
        Opened: (state, { owner }) => ({ ...state, owner }),
        Renamed: (state, { owner }) => ({ ...state, owner }),
      },
      decide: (command: { type: 'Open'; owner: string }, _state: { owner: string }): Ev[] => [
        { eventType: 'Opened', eventData: { owner: command.owner } },
      ],
    });
    expectTypeOf<StateOf<typeof decider>>().toEqualTypeOf<{ owner: string }>();
    expectTypeOf<StateOf<typeof bankAccountDecider>>().toEqualTypeOf<BankAccountState>();

    defineDecider({
      initialState: () => ({ owner: '' }),
      // @ts-expect-error 'Renamed' has no evolver
      evolve: { Opened: (state: { owner: string }) => state },
      decide: (_command: { type: 'Open' }, _state: { owner: string }): Ev[] => [],
    });
    defineDecider({
      initialState: () => ({ owner: '' }),
      evolve: {
        Opened: (state) => state,
        Renamed: (state) => state,
      },
      decide: (_command: { type: 'Open' }, _state: { owner: string }): Ev[] => [
        // @ts-expect-error an event data shape the union does not allow
        { eventType: 'Opened', eventData: { name: 'x' } },
      ],
    });
  });
});
