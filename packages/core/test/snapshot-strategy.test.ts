import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createInMemoryEventStore,
  everyNEvents,
  InvalidArgumentError,
  maxSnapshotAge,
  neverSnapshot,
  Repository,
  type SnapshotContext,
  snapshotWhenAny,
} from '../src/index';
import { BANK_ACCOUNT, BankAccount } from './support/bank-account';
import { assertProperty } from './support/property';

const context = (overrides: Partial<SnapshotContext> = {}): SnapshotContext => ({
  aggregateType: 'BankAccount',
  aggregateId: 'acc-1',
  version: 10,
  eventsAppended: 1,
  eventsSinceSnapshot: 10,
  lastSnapshot: null,
  now: new Date('2024-01-01T12:00:00.000Z'),
  ...overrides,
});

describe('snapshot strategies', () => {
  it('everyNEvents fires once n events have gone by since the last snapshot, whatever the version', () => {
    const every = everyNEvents(100);
    expect(every(context({ version: 99, eventsSinceSnapshot: 99 }))).toBe(false);
    expect(every(context({ version: 100, eventsSinceSnapshot: 100 }))).toBe(true);
    // The lesson's `version % 100 === 0` misses this one: a save that went from 99 to 102.
    expect(every(context({ version: 102, eventsAppended: 3, eventsSinceSnapshot: 102 }))).toBe(true);
    expect(
      every(
        context({
          version: 250,
          eventsSinceSnapshot: 50,
          lastSnapshot: { version: 200, createdAt: new Date() },
        }),
      ),
    ).toBe(false);
  });

  it('maxSnapshotAge fires when the last snapshot is at least that old, or there is none', () => {
    const day = 24 * 60 * 60 * 1000;
    const now = new Date('2024-01-02T00:00:00.000Z');
    const aged = maxSnapshotAge(day);
    expect(aged(context({ now, lastSnapshot: null }))).toBe(true);
    expect(
      aged(context({ now, lastSnapshot: { version: 1, createdAt: new Date(now.getTime() - day + 1) } })),
    ).toBe(false);
    expect(
      aged(context({ now, lastSnapshot: { version: 1, createdAt: new Date(now.getTime() - day) } })),
    ).toBe(true);
  });

  it('neverSnapshot never fires; snapshotWhenAny fires when any strategy does', () => {
    expect(neverSnapshot()(context({ eventsSinceSnapshot: 1e9 }))).toBe(false);
    const either = snapshotWhenAny(everyNEvents(5), (ctx) => ctx.aggregateId === 'vip');
    expect(either(context({ eventsSinceSnapshot: 4 }))).toBe(false);
    expect(either(context({ eventsSinceSnapshot: 5 }))).toBe(true);
    expect(either(context({ eventsSinceSnapshot: 1, aggregateId: 'vip' }))).toBe(true);
    expect(snapshotWhenAny()(context())).toBe(false);
  });

  it('rejects malformed parameters with InvalidArgumentError', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) expect(() => everyNEvents(n)).toThrow(InvalidArgumentError);
    for (const ms of [-1, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => maxSnapshotAge(ms)).toThrow(InvalidArgumentError);
    }
    expect(() => snapshotWhenAny(everyNEvents(1), 'often' as never)).toThrow(InvalidArgumentError);
  });
});

/** A command the property tests throw at an account; invalid ones (overdrawing) are simply refused. */
type Command = { kind: 'deposit' | 'withdraw'; cents: number };
const commandArb: fc.Arbitrary<Command> = fc.record({
  kind: fc.constantFrom('deposit' as const, 'withdraw' as const),
  cents: fc.integer({ min: 1, max: 10_000 }),
});
/** Commands grouped into saves of 1..4 commands each. */
const historyArb = fc.array(fc.array(commandArb, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 12,
});

function run(account: BankAccount, command: Command): void {
  try {
    if (command.kind === 'deposit') account.deposit(command.cents);
    else account.withdraw(command.cents);
  } catch {
    // A refused command raises nothing, as in production.
  }
}

describe('snapshot + tail equals a full replay (property)', () => {
  it('loading from a snapshot at ANY version, plus the events after it, gives the full replay', async () => {
    await assertProperty(
      fc.asyncProperty(historyArb, fc.integer({ min: 0, max: 5_000 }), async (saves, overdraft) => {
        const store = createInMemoryEventStore();
        const accounts = new Repository(store, { create: (id) => new BankAccount(id) });
        const account = new BankAccount('acc-1');
        account.open('Ada', overdraft);
        for (const batch of saves) {
          for (const command of batch) run(account, command);
          await accounts.save(account);
        }
        const events = await store.getEvents(BANK_ACCOUNT, 'acc-1');
        const replayed = new BankAccount('acc-1');
        replayed.loadFromHistory(events);
        expect(replayed.state()).toEqual(account.state());
        // Snapshot at every version in turn (each newer one replaces the last) and load.
        for (let k = 1; k <= events.length; k++) {
          const atK = new BankAccount('acc-1');
          atK.loadFromHistory(events.slice(0, k));
          await store.saveSnapshot(atK.toSnapshot());
          const loaded = await accounts.get('acc-1');
          expect(loaded.state()).toEqual(replayed.state());
          expect(loaded.version).toBe(replayed.version);
        }
      }),
      'snapshot at any version + tail = replay',
      30,
    );
  });

  it('with any everyNEvents strategy and any save sizes, a load equals the full replay', async () => {
    await assertProperty(
      fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 6 }), async (saves, n) => {
        const store = createInMemoryEventStore();
        const accounts = new Repository(store, {
          create: (id) => new BankAccount(id),
          snapshotStrategy: everyNEvents(n),
          onSnapshotError: (error) => {
            throw error;
          },
        });
        const account = new BankAccount('acc-1');
        account.open('Ada');
        let lastSnapshot = 0;
        for (const batch of saves) {
          for (const command of batch) run(account, command);
          const { snapshotSaved } = await accounts.save(account);
          // Never more than n - 1 events go unsnapshotted after a save.
          if (snapshotSaved) lastSnapshot = account.version;
          expect(account.version - lastSnapshot).toBeLessThan(n);
          // Reload each time, as a real command handler would.
          const loaded = await accounts.get('acc-1');
          expect(loaded.state()).toEqual(account.state());
        }
        const replayed = new BankAccount('acc-1');
        replayed.loadFromHistory(await store.getEvents(BANK_ACCOUNT, 'acc-1'));
        expect((await accounts.get('acc-1')).state()).toEqual(replayed.state());
      }),
      'strategy-driven snapshots + tail = replay',
      30,
    );
  });
});
