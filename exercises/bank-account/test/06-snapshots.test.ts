import { randomUUID } from 'node:crypto';
import type { EventStore, SnapshotContext } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSnapshottingAccountRepository,
  SnapshottingBankAccount,
  snapshotEveryTenEvents,
} from '#exercise/06-snapshots';

const stores = createTestStores('06-snapshots');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

function context(
  version: number,
  eventsAppended: number,
  lastSnapshotVersion: number | null,
): SnapshotContext {
  return {
    aggregateType: 'BankAccount',
    aggregateId: 'acc-1',
    version,
    eventsAppended,
    eventsSinceSnapshot: version - (lastSnapshotVersion ?? 0),
    lastSnapshot:
      lastSnapshotVersion === null ? null : { version: lastSnapshotVersion, createdAt: new Date(0) },
    now: new Date(),
  };
}

/** Every method call on a real store, recorded on its way through. */
function recording(target: EventStore): { store: EventStore; calls: { method: string; args: unknown[] }[] } {
  const calls: { method: string; args: unknown[] }[] = [];
  const store = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(property), args });
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { store, calls };
}

const snapshotVersion = async (id: string) => (await store.getSnapshot('BankAccount', id))?.version ?? null;

/** Opens an account and saves `deposits` deposits of 1 cent, one save each; returns the id. */
async function accountWith(deposits: number): Promise<string> {
  const accounts = createSnapshottingAccountRepository(store);
  const id = `acc-${randomUUID()}`;
  const account = new SnapshottingBankAccount(id);
  account.open('Ada');
  await accounts.save(account);
  for (let i = 0; i < deposits; i++) {
    account.deposit(1);
    await accounts.save(account);
  }
  return id;
}

describe(`06-snapshots: a snapshot every 10 events (${stores.kind})`, () => {
  it('snapshotEveryTenEvents counts events since the last snapshot, not version % 10', () => {
    expect(
      snapshotEveryTenEvents(context(9, 1, null)),
      'no snapshot yet and 9 events since the start: no snapshot is due (return false)',
    ).toBe(false);
    expect(
      snapshotEveryTenEvents(context(10, 1, null)),
      'no snapshot yet and 10 events since the start: a snapshot is due (return true)',
    ).toBe(true);
    expect(
      snapshotEveryTenEvents(context(19, 1, 10)),
      'last snapshot at 10, now at 19: only 9 events since it, no snapshot is due',
    ).toBe(false);
    expect(
      snapshotEveryTenEvents(context(20, 1, 10)),
      'last snapshot at 10, now at 20: 10 events since it, a snapshot is due',
    ).toBe(true);
    // One save of 4 events took the stream from 8 to 12: version % 10 never hit 0, but 12 are due.
    expect(
      snapshotEveryTenEvents(context(12, 4, null)),
      'one save jumped from 8 to 12: 12 events since the start, a snapshot is due (count eventsSinceSnapshot, not version % 10)',
    ).toBe(true);
    // The last snapshot was at 12: at 20 only 8 events have passed.
    expect(
      snapshotEveryTenEvents(context(20, 1, 12)),
      'last snapshot at 12, now at 20: only 8 events since it, no snapshot is due even though 20 % 10 is 0',
    ).toBe(false);
  });

  it('a snapshot holds the account’s state and restores it', async () => {
    const id = await accountWith(3);
    const account = await createSnapshottingAccountRepository(store).get(id);
    const snapshot = account.toSnapshot();
    expect(
      snapshot,
      'toSnapshot() names the account and its version: open + 3 deposits = version 4',
    ).toMatchObject({ aggregateType: 'BankAccount', aggregateId: id, version: 4 });
    expect(
      JSON.parse(JSON.stringify(snapshot.state)),
      'snapshotState() must return plain JSON: it survives JSON.stringify and JSON.parse unchanged',
    ).toEqual(snapshot.state);
    const restored = new SnapshottingBankAccount(id).fromSnapshot(snapshot);
    expect(
      [restored.owner, restored.balance, restored.version],
      'the account restored from the snapshot has [owner, balance, version] = [Ada, 3 cents, 4]',
    ).toEqual(['Ada', 3, 4]);
    restored.deposit(10);
    expect(
      account.balance,
      'a deposit on the restored account must not change the original: snapshotState() and restoreState() copy the state',
    ).toBe(3);
  });

  it('saving one event at a time snapshots at versions 10 and 20', async () => {
    const accounts = createSnapshottingAccountRepository(store);
    const id = `acc-${randomUUID()}`;
    const account = new SnapshottingBankAccount(id);
    account.open('Ada');
    const seen: (number | null)[] = [];
    await accounts.save(account);
    seen.push(await snapshotVersion(id));
    for (let v = 2; v <= 23; v++) {
      account.deposit(v);
      await accounts.save(account);
      seen.push(await snapshotVersion(id));
    }
    expect(
      seen,
      'the newest snapshot after each save (versions 1..23): none until 10, then 10 until 20, then 20',
    ).toEqual([...Array<null>(9).fill(null), ...Array<number>(10).fill(10), ...Array<number>(4).fill(20)]);
  });

  it('a save that jumps over a multiple of 10 still snapshots; counting restarts from that snapshot', async () => {
    const id = await accountWith(7); // version 8
    const accounts = createSnapshottingAccountRepository(store);
    const account = await accounts.get(id);
    for (let i = 0; i < 4; i++) account.deposit(1);
    await accounts.save(account); // 8 -> 12 in one save
    expect(
      await snapshotVersion(id),
      'a save that jumped from 8 to 12 in one go must still snapshot, at 12',
    ).toBe(12);
    for (let v = 13; v <= 21; v++) {
      account.deposit(1);
      await accounts.save(account);
    }
    expect(
      await snapshotVersion(id),
      'at 21 only 9 events have passed since the snapshot at 12: no new snapshot yet (not at 20)',
    ).toBe(12);
    account.deposit(1);
    await accounts.save(account);
    expect(await snapshotVersion(id), '10 events after the snapshot at 12, the next is taken at 22').toBe(22);
  });

  it('loads from the snapshot plus only the events after it', async () => {
    const id = await accountWith(22); // version 23, snapshot at 20
    const { store: observed, calls } = recording(store);
    const accounts = createSnapshottingAccountRepository(observed);
    const account = await accounts.get(id);
    expect(
      [account.owner, account.balance, account.version],
      'snapshot + later events load as [owner, balance, version] = [Ada, 22 cents, 23]',
    ).toEqual(['Ada', 22, 23]);
    expect(
      calls.map((c) => c.method),
      'loading starts from the newest snapshot: the repository reads it with getSnapshot',
    ).toContain('getSnapshot');
    const reads = calls.filter((c) => c.method === 'getEvents');
    expect(
      reads.map((c) => c.args),
      'after the snapshot at 20, loading reads only events 21..23 (getEvents from 20), not the whole stream',
    ).toEqual([['BankAccount', id, 20]]);
    // Counting goes on from the loaded snapshot: 29 is 9 past it, 30 is due.
    for (let i = 0; i < 6; i++) account.deposit(1);
    await accounts.save(account);
    expect(
      await snapshotVersion(id),
      'at 29, 9 events past the loaded snapshot at 20: counting continues from it, no snapshot yet',
    ).toBe(20);
    account.deposit(1);
    await accounts.save(account);
    expect(
      await snapshotVersion(id),
      'at 30, 10 events past the loaded snapshot at 20: a snapshot is due',
    ).toBe(30);
  });
});
