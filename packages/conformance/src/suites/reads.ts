import type { ReadStreamOptions, ReadWriteEventStore } from '@chronicle/core';
import { expect } from 'vitest';
import { account, collect, newEvent, newEvents, versionsOf } from '../support/fixtures';
import { defineSuite } from '../test-definition';

const readVersions = async (store: ReadWriteEventStore, options?: ReadStreamOptions): Promise<number[]> =>
  versionsOf(await collect(store.readStream(account(), options)));

/** Contract rule 5 (`docs/contract.md`) for one stream: order, exclusive `fromVersion` in the reading direction, `limit`. */
export const readsTests = defineSuite('reads', [
  {
    name: 'getEvents returns the stream in version order; fromVersion is exclusive',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(2));
      await store.append(account(), 2, newEvents(3, 'MoneyDeposited', 3));
      const all = await store.getEvents('BankAccount', 'acc-1');
      expect(versionsOf(all)).toEqual([1, 2, 3, 4, 5]);
      expect(all.map((e) => e.eventData)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
      expect(versionsOf(await store.getEvents('BankAccount', 'acc-1', 0))).toEqual([1, 2, 3, 4, 5]);
      expect(versionsOf(await store.getEvents('BankAccount', 'acc-1', 2))).toEqual([3, 4, 5]);
      expect(versionsOf(await store.getEvents('BankAccount', 'acc-1', 4))).toEqual([5]);
    },
  },
  {
    name: 'readStream forward honours fromVersion (exclusive) and limit',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(6));
      expect(await readVersions(store)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await readVersions(store, { direction: 'forward' })).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await readVersions(store, { fromVersion: 3 })).toEqual([4, 5, 6]);
      expect(await readVersions(store, { limit: 2 })).toEqual([1, 2]);
      expect(await readVersions(store, { fromVersion: 1, limit: 3 })).toEqual([2, 3, 4]);
      expect(await readVersions(store, { fromVersion: 4, limit: 10 })).toEqual([5, 6]);
      expect(await readVersions(store, { limit: 0 })).toEqual([]);
    },
  },
  {
    name: 'readStream backward starts from the newest; fromVersion is exclusive below; limit caps',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(6));
      expect(await readVersions(store, { direction: 'backward' })).toEqual([6, 5, 4, 3, 2, 1]);
      expect(await readVersions(store, { direction: 'backward', fromVersion: 4 })).toEqual([3, 2, 1]);
      expect(await readVersions(store, { direction: 'backward', limit: 2 })).toEqual([6, 5]);
      expect(await readVersions(store, { direction: 'backward', fromVersion: 5, limit: 2 })).toEqual([4, 3]);
      expect(await readVersions(store, { direction: 'backward', fromVersion: 2 })).toEqual([1]);
      expect(await readVersions(store, { direction: 'backward', fromVersion: 1 })).toEqual([]);
      expect(await readVersions(store, { direction: 'backward', fromVersion: 100 })).toEqual([
        6, 5, 4, 3, 2, 1,
      ]);
    },
  },
  {
    name: 'reading past the end of a stream returns nothing',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(3));
      expect(await store.getEvents('BankAccount', 'acc-1', 3)).toEqual([]);
      expect(await store.getEvents('BankAccount', 'acc-1', 50)).toEqual([]);
      expect(await readVersions(store, { fromVersion: 3 })).toEqual([]);
      expect(await readVersions(store, { fromVersion: 99, limit: 5 })).toEqual([]);
    },
  },
  {
    name: 'an absent stream reads as empty with version 0',
    async run({ store }) {
      await store.append(account('other'), 'no_stream', newEvents(2));
      expect(await store.getEvents('BankAccount', 'acc-1')).toEqual([]);
      expect(await readVersions(store)).toEqual([]);
      expect(await readVersions(store, { direction: 'backward' })).toEqual([]);
      expect(await store.getStreamVersion(account())).toBe(0);
    },
  },
  {
    name: 'the same id under two aggregate types is two streams',
    async run({ store }) {
      const asAccount = { aggregateType: 'BankAccount', aggregateId: 'shared-42' };
      const asOrder = { aggregateType: 'Order', aggregateId: 'shared-42' };
      await store.append(asAccount, 'no_stream', newEvents(2));
      const result = await store.append(asOrder, 'no_stream', [newEvent('OrderPlaced', { total: 3 })]);
      expect(result.nextExpectedVersion).toBe(1);
      expect(await store.getStreamVersion(asAccount)).toBe(2);
      expect(await store.getStreamVersion(asOrder)).toBe(1);
      const orders = await store.getEvents('Order', 'shared-42');
      expect(orders.map((e) => [e.aggregateType, e.eventType, e.version])).toEqual([
        ['Order', 'OrderPlaced', 1],
      ]);
      const accounts = await collect(store.readStream(asAccount));
      expect(accounts.map((e) => [e.aggregateType, e.version])).toEqual([
        ['BankAccount', 1],
        ['BankAccount', 2],
      ]);
    },
  },
  {
    name: 'getEventsByType returns only that type, in position order',
    async run({ store }) {
      await store.append(account('a'), 'no_stream', [
        newEvent('MoneyDeposited', { n: 1 }),
        newEvent('MoneyWithdrawn', { n: 2 }),
      ]);
      await store.append(account('b'), 'no_stream', [newEvent('MoneyDeposited', { n: 3 })]);
      await store.append(account('a'), 2, [newEvent('MoneyDeposited', { n: 4 })]);
      const deposits = await store.getEventsByType('MoneyDeposited');
      expect(deposits.map((e) => e.eventData)).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);
      expect(deposits.every((e) => e.eventType === 'MoneyDeposited')).toBe(true);
      const positions = deposits.map((e) => e.position);
      expect([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(positions);
      expect(await store.getEventsByType('NeverHappened')).toEqual([]);
    },
  },
  {
    name: 'getEventsByType with fromDate keeps events at or after it, to the millisecond',
    async run({ store }) {
      const at = (iso: string) => new Date(iso);
      await store.append(account(), 'no_stream', [
        newEvent('MoneyDeposited', { n: 1 }, { occurredAt: at('2024-03-01T10:00:00.000Z') }),
        newEvent('MoneyDeposited', { n: 2 }, { occurredAt: at('2024-03-01T10:00:00.499Z') }),
        newEvent('MoneyDeposited', { n: 3 }, { occurredAt: at('2024-03-01T10:00:00.500Z') }),
        newEvent('MoneyWithdrawn', { n: 4 }, { occurredAt: at('2024-03-02T00:00:00.000Z') }),
        newEvent('MoneyDeposited', { n: 5 }, { occurredAt: at('2024-03-05T00:00:00.000Z') }),
      ]);
      const data = async (from?: Date) =>
        (await store.getEventsByType('MoneyDeposited', from)).map((e) => e.eventData);
      expect(await data()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 5 }]);
      expect(await data(at('2024-03-01T10:00:00.500Z'))).toEqual([{ n: 3 }, { n: 5 }]);
      expect(await data(at('2024-03-01T10:00:00.499Z'))).toEqual([{ n: 2 }, { n: 3 }, { n: 5 }]);
      expect(await data(at('2024-03-06T00:00:00.000Z'))).toEqual([]);
    },
  },
]);
