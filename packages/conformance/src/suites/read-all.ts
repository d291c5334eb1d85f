import type { DomainEvent, ReadWriteEventStore } from '@chronicle/core';
import { expect } from 'vitest';
import { account, collect, newEvent, order } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/** Appends 23 events over 4 streams, interleaved, and returns their ids in append order. */
async function seedLog(store: ReadWriteEventStore): Promise<string[]> {
  const ids: string[] = [];
  const versions = new Map<string, number>();
  const streams = [account('a'), order('1'), account('b'), order('2')];
  for (let i = 0; i < 10; i++) {
    const stream = streams[i % streams.length]!;
    const key = `${stream.aggregateType}/${stream.aggregateId}`;
    const size = (i % 3) + 1;
    const type =
      stream.aggregateType === 'Order' ? 'OrderPlaced' : i % 2 === 0 ? 'MoneyDeposited' : 'MoneyWithdrawn';
    const batch = Array.from({ length: size }, (_, j) => newEvent(type, { i, j }));
    const version = versions.get(key) ?? 0;
    await store.append(stream, version, batch);
    versions.set(key, version + size);
    ids.push(...batch.map((e) => e.eventId!));
  }
  return ids;
}

const strictlyIncreasing = (events: readonly DomainEvent[]): boolean =>
  events.every((e, i) => i === 0 || e.position > events[i - 1]!.position);

/** Contract rule 5 (`docs/contract.md`) for the whole log: position order, exclusive `fromPosition`, filters, paging. */
export const readAllTests = defineSuite('read-all', [
  {
    name: 'getAllEvents and readAll return every event in strictly increasing position order',
    async run({ store }) {
      const ids = await seedLog(store);
      const all = await store.getAllEvents();
      expect(all.map((e) => e.eventId)).toEqual(ids);
      expect(strictlyIncreasing(all)).toBe(true);
      expect(all.every((e) => typeof e.position === 'bigint' && e.position > 0n)).toBe(true);
      const streamed = await collect(store.readAll());
      expect(streamed.map((e) => [e.eventId, e.position])).toEqual(all.map((e) => [e.eventId, e.position]));
    },
  },
  {
    name: 'fromPosition is exclusive on getAllEvents and readAll',
    async run({ store }) {
      await seedLog(store);
      const all = await store.getAllEvents();
      for (const index of [0, 5, 11, all.length - 1]) {
        const from = all[index]!.position;
        const expected = all.slice(index + 1).map((e) => e.eventId);
        expect((await store.getAllEvents(undefined, from)).map((e) => e.eventId)).toEqual(expected);
        expect((await collect(store.readAll({ fromPosition: from }))).map((e) => e.eventId)).toEqual(
          expected,
        );
      }
      expect(await store.getAllEvents(undefined, 0n)).toHaveLength(all.length);
      const beyond = all[all.length - 1]!.position + 1000n;
      expect(await store.getAllEvents(undefined, beyond)).toEqual([]);
      expect(await collect(store.readAll({ fromPosition: beyond }))).toEqual([]);
    },
  },
  {
    name: 'an empty store reads as an empty log',
    async run({ store }) {
      expect(await store.getAllEvents()).toEqual([]);
      expect(await collect(store.readAll())).toEqual([]);
      expect(await collect(store.readAll({ batchSize: 1 }))).toEqual([]);
    },
  },
  {
    name: 'an aggregate type filter narrows without reordering',
    async run({ store }) {
      await seedLog(store);
      const all = await store.getAllEvents();
      const orders = all.filter((e) => e.aggregateType === 'Order').map((e) => e.eventId);
      expect((await store.getAllEvents('Order')).map((e) => e.eventId)).toEqual(orders);
      expect((await collect(store.readAll({ aggregateTypes: ['Order'] }))).map((e) => e.eventId)).toEqual(
        orders,
      );
      const from = all[7]!.position;
      expect((await store.getAllEvents('Order', from)).map((e) => e.eventId)).toEqual(
        all
          .slice(8)
          .filter((e) => e.aggregateType === 'Order')
          .map((e) => e.eventId),
      );
      expect(
        (await collect(store.readAll({ aggregateTypes: ['Order', 'BankAccount'] }))).map((e) => e.eventId),
      ).toEqual(all.map((e) => e.eventId));
      expect(await store.getAllEvents('Nothing')).toEqual([]);
    },
  },
  {
    name: 'an event type filter narrows without reordering, also combined with an aggregate type filter',
    async run({ store }) {
      await seedLog(store);
      const all = await store.getAllEvents();
      const pick = (keep: (e: DomainEvent) => boolean) => all.filter(keep).map((e) => e.eventId);
      const ids = async (options: Parameters<ReadWriteEventStore['readAll']>[0]) =>
        (await collect(store.readAll(options))).map((e) => e.eventId);
      expect(await ids({ eventTypes: ['MoneyWithdrawn'] })).toEqual(
        pick((e) => e.eventType === 'MoneyWithdrawn'),
      );
      expect(await ids({ eventTypes: ['MoneyWithdrawn', 'OrderPlaced'] })).toEqual(
        pick((e) => e.eventType !== 'MoneyDeposited'),
      );
      expect(
        await ids({ eventTypes: ['OrderPlaced', 'MoneyDeposited'], aggregateTypes: ['BankAccount'] }),
      ).toEqual(pick((e) => e.eventType === 'MoneyDeposited'));
      expect(
        await ids({ eventTypes: ['MoneyDeposited'], batchSize: 2, fromPosition: all[3]!.position }),
      ).toEqual(
        all
          .slice(4)
          .filter((e) => e.eventType === 'MoneyDeposited')
          .map((e) => e.eventId),
      );
    },
  },
  {
    // A filter narrows: an empty list admits nothing. Omitting the option is how to mean "every type".
    name: 'an empty aggregate or event type list matches nothing; an omitted one matches everything',
    async run({ store }) {
      await seedLog(store);
      const all = (await store.getAllEvents()).map((e) => e.eventId);
      const ids = async (options: Parameters<ReadWriteEventStore['readAll']>[0]) =>
        (await collect(store.readAll(options))).map((e) => e.eventId);
      expect(await ids({ aggregateTypes: [] }), 'readAll({ aggregateTypes: [] })').toEqual([]);
      expect(await ids({ eventTypes: [] }), 'readAll({ eventTypes: [] })').toEqual([]);
      expect(
        await ids({ aggregateTypes: [], eventTypes: ['MoneyDeposited'] }),
        "readAll({ aggregateTypes: [], eventTypes: ['MoneyDeposited'] })",
      ).toEqual([]);
      expect(
        await ids({ aggregateTypes: ['Order'], eventTypes: [] }),
        "readAll({ aggregateTypes: ['Order'], eventTypes: [] })",
      ).toEqual([]);
      expect(await ids({ batchSize: 3 }), 'readAll without filters').toEqual(all);
    },
  },
  {
    name: 'readAll pages across batch boundaries without skipping or repeating an event',
    async run({ store }) {
      await seedLog(store);
      const all = (await store.getAllEvents()).map((e) => e.eventId);
      for (const batchSize of [1, 2, 3, 5, 7, 22, 23, 24, 500]) {
        const paged = (await collect(store.readAll({ batchSize }))).map((e) => e.eventId);
        expect(paged, `readAll({ batchSize: ${batchSize} })`).toEqual(all);
      }
      const orders = (await store.getAllEvents('Order')).map((e) => e.eventId);
      for (const batchSize of [1, 2, 4]) {
        const paged = (await collect(store.readAll({ batchSize, aggregateTypes: ['Order'] }))).map(
          (e) => e.eventId,
        );
        expect(paged, `readAll({ batchSize: ${batchSize}, aggregateTypes: ['Order'] })`).toEqual(orders);
      }
    },
  },
  {
    name: 'sequential appends get increasing positions in commit order',
    async run({ store }) {
      const first = await store.append(order('late'), 'no_stream', [newEvent('OrderPlaced')]);
      const second = await store.append(account('early'), 'no_stream', [newEvent()]);
      const third = await store.append(order('late'), 1, [newEvent('OrderShipped')]);
      expect(first.lastPosition < second.firstPosition).toBe(true);
      expect(second.lastPosition < third.firstPosition).toBe(true);
      const resumed = await store.getAllEvents(undefined, first.lastPosition);
      expect(resumed.map((e) => e.position)).toEqual([second.firstPosition, third.firstPosition]);
    },
  },
]);
