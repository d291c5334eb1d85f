import type { ReadWriteEventStore } from '@chronicle/core';
import { expect } from 'vitest';
import { expectStoreError } from '../support/expect-error';
import { account, collect, newEvent, newEvents, order } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/** Everything the read API shows, for a before/after comparison across a reopen. */
async function everything(store: ReadWriteEventStore) {
  return {
    log: await store.getAllEvents(),
    streamed: await collect(store.readAll({ batchSize: 4 })),
    accountA: await store.getEvents('BankAccount', 'a'),
    versions: [
      await store.getStreamVersion(account('a')),
      await store.getStreamVersion(account('b')),
      await store.getStreamVersion(order('1')),
    ],
    snapshot: await store.getSnapshot('BankAccount', 'a'),
    deposits: await store.getEventsByType('MoneyDeposited'),
  };
}

/** Contract rule 10 (`docs/contract.md`): after `close()` and reopening, everything committed is there. */
export const durabilityTests = defineSuite('durability', [
  {
    name: 'everything committed is there after close and reopen',
    requires: ['persistent'],
    async run({ store, reopen }) {
      const batch = newEvents(3);
      const first = await store.append(account('a'), 'no_stream', batch);
      await store.append(account('b'), 'no_stream', [
        newEvent(
          'MoneyDeposited',
          { text: 'Grüße 🚀', nested: { list: [1, null, { x: true }] } },
          {
            occurredAt: new Date('2024-01-02T03:04:05.678Z'),
            metadata: { by: 'test' },
            correlationId: 'c-1',
            schemaVersion: 2,
          },
        ),
      ]);
      await store.append(order('1'), 'any', [newEvent('OrderPlaced', { total: 9.99 })]);
      await store.append(account('a'), 3, newEvents(2));
      await store.saveSnapshot({
        aggregateType: 'BankAccount',
        aggregateId: 'a',
        version: 5,
        schemaVersion: 1,
        state: { balance: 5 },
        createdAt: new Date('2024-01-02T03:04:05.999Z'),
      });
      const before = await everything(store);
      const reopened = await reopen(store);
      expect(await everything(reopened)).toEqual(before);

      // The reopened store carries on: versions, positions, idempotency and snapshots still hold.
      expect(await reopened.append(account('a'), 'no_stream', batch), 'a repeat after reopening').toEqual(
        first,
      );
      await expectStoreError(
        () => reopened.append(account('a'), 3, newEvents(1)),
        'CONCURRENCY',
        'a stale append after reopening',
      );
      await expectStoreError(
        () => reopened.append(account('b'), 'any', batch),
        'DUPLICATE_EVENT',
        'reusing stored ids after reopening',
      );
      const next = await reopened.append(account('a'), 5, newEvents(1));
      expect(next.nextExpectedVersion).toBe(6);
      expect(next.firstPosition > before.log[before.log.length - 1]!.position).toBe(true);
      await reopened.saveSnapshot({ ...before.snapshot!, version: 2, state: { stale: true } });
      expect(await reopened.getSnapshot('BankAccount', 'a')).toEqual(before.snapshot);
    },
  },
  {
    name: 'a failed append leaves no trace after reopening',
    requires: ['persistent'],
    async run({ store, reopen }) {
      await store.append(account('a'), 'no_stream', newEvents(2));
      const failing = [newEvent(), newEvent('MoneyDeposited', { amount: Number.NaN })];
      await expectStoreError(
        () => store.append(account('a'), 2, failing),
        'INVALID_ARGUMENT',
        'a batch with a bad event',
      );
      await expectStoreError(
        () => store.append(account('a'), 1, newEvents(2)),
        'CONCURRENCY',
        'a stale append',
      );
      const before = await store.getAllEvents();
      const reopened = await reopen(store);
      expect(await reopened.getAllEvents()).toEqual(before);
      expect(await reopened.getStreamVersion(account('a'))).toBe(2);
      // The ids of the failed batch were never stored.
      expect((await reopened.append(account('a'), 2, [failing[0]!])).nextExpectedVersion).toBe(3);
    },
  },
  {
    name: 'several reopen cycles keep appending where the last one stopped',
    requires: ['persistent'],
    async run({ store, reopen }) {
      let current = store;
      for (let cycle = 0; cycle < 3; cycle++) {
        await current.append(account('a'), cycle * 2, newEvents(2, 'MoneyDeposited', cycle * 2 + 1));
        current = await reopen(current);
      }
      const events = await current.getEvents('BankAccount', 'a');
      expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events.map((e) => e.eventData)).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    },
  },
]);
