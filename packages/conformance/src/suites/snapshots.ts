import type { Snapshot } from '@chronicle/core';
import { expect } from 'vitest';
import { defineSuite } from '../test-definition';

const snapshot = (
  version: number,
  state: unknown = { balance: version * 10 },
  aggregateId = 'acc-1',
): Snapshot => ({
  aggregateType: 'BankAccount',
  aggregateId,
  version,
  schemaVersion: 1,
  state,
  createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, version, 123)),
});

/** Contract rule 7 (`docs/contract.md`): the newest snapshot per stream is kept; an older one never replaces it. */
export const snapshotsTests = defineSuite('snapshots', [
  {
    name: 'a stream without a snapshot has none',
    async run({ store }) {
      expect(await store.getSnapshot('BankAccount', 'acc-1')).toBeNull();
    },
  },
  {
    name: 'a saved snapshot reads back equal',
    async run({ store }) {
      const saved: Snapshot = {
        ...snapshot(7),
        schemaVersion: 2,
        state: { balance: 70, owner: 'Ada Lovelace — 🚀', history: [1, 2, { x: null }] },
      };
      await store.saveSnapshot(saved);
      const read = await store.getSnapshot('BankAccount', 'acc-1');
      expect(read).toEqual(saved);
      expect(read!.createdAt.getTime()).toBe(saved.createdAt.getTime());
    },
  },
  {
    name: 'a newer snapshot replaces an older one',
    async run({ store }) {
      await store.saveSnapshot(snapshot(3));
      await store.saveSnapshot(snapshot(8));
      expect(await store.getSnapshot('BankAccount', 'acc-1')).toEqual(snapshot(8));
    },
  },
  {
    name: 'an older snapshot never replaces a newer one',
    async run({ store }) {
      await store.saveSnapshot(snapshot(8));
      await store.saveSnapshot(snapshot(3));
      await store.saveSnapshot(snapshot(7, { stale: true }));
      expect(await store.getSnapshot('BankAccount', 'acc-1')).toEqual(snapshot(8));
    },
  },
  {
    name: 'snapshots are kept per stream, by aggregate type and id',
    async run({ store }) {
      await store.saveSnapshot(snapshot(5, { who: 'a' }, 'a'));
      await store.saveSnapshot(snapshot(2, { who: 'b' }, 'b'));
      await store.saveSnapshot({ ...snapshot(9, { who: 'order a' }, 'a'), aggregateType: 'Order' });
      expect((await store.getSnapshot('BankAccount', 'a'))?.state).toEqual({ who: 'a' });
      expect((await store.getSnapshot('BankAccount', 'b'))?.state).toEqual({ who: 'b' });
      expect((await store.getSnapshot('Order', 'a'))?.state).toEqual({ who: 'order a' });
      expect(await store.getSnapshot('Order', 'b')).toBeNull();
    },
  },
  {
    name: 'concurrent saves in any order leave the newest snapshot',
    async run({ store }) {
      const versions = [4, 12, 1, 9, 16, 3, 15, 7, 2, 11, 5, 14, 8, 6, 13, 10];
      await Promise.all(versions.map((v) => store.saveSnapshot(snapshot(v))));
      expect(await store.getSnapshot('BankAccount', 'acc-1')).toEqual(snapshot(16));
    },
  },
  {
    name: 'the returned snapshot is a copy: mutating it changes nothing stored',
    async run({ store }) {
      await store.saveSnapshot(snapshot(2, { balance: 20, items: [1] }));
      const read = await store.getSnapshot('BankAccount', 'acc-1');
      (read!.state as { items: number[] }).items.push(2);
      expect((await store.getSnapshot('BankAccount', 'acc-1'))!.state).toEqual({ balance: 20, items: [1] });
    },
  },
]);
