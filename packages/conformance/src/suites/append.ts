import { expect } from 'vitest';
import { account, collect, newEvents, order, versionsOf } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/** Contract rule 2 (`docs/contract.md`): versions are 1..n without gaps; and rule 9's empty append. */
export const appendTests = defineSuite('append', [
  {
    name: 'a new stream starts at version 1 and counts up',
    async run({ store }) {
      const result = await store.append(account(), 'no_stream', newEvents(3));
      expect(result.nextExpectedVersion).toBe(3);
      const events = await store.getEvents('BankAccount', 'acc-1');
      expect(versionsOf(events)).toEqual([1, 2, 3]);
      expect(await store.getStreamVersion(account())).toBe(3);
    },
  },
  {
    name: 'the result reports the positions of the first and last appended event',
    async run({ store }) {
      await store.append(order(), 'no_stream', newEvents(2, 'OrderPlaced'));
      const result = await store.append(account(), 'no_stream', newEvents(3));
      const events = await store.getEvents('BankAccount', 'acc-1');
      expect(result.firstPosition).toBe(events[0]!.position);
      expect(result.lastPosition).toBe(events[2]!.position);
      expect(typeof result.firstPosition).toBe('bigint');
      expect(result.firstPosition < result.lastPosition).toBe(true);
      const single = await store.append(account(), 3, newEvents(1));
      expect(single.firstPosition).toBe(single.lastPosition);
      expect(single.firstPosition > result.lastPosition).toBe(true);
    },
  },
  {
    name: 'later appends continue the stream without gaps',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(2));
      const result = await store.append(account(), 2, newEvents(3, 'MoneyDeposited', 3));
      expect(result.nextExpectedVersion).toBe(5);
      const events = await store.getEvents('BankAccount', 'acc-1');
      expect(versionsOf(events)).toEqual([1, 2, 3, 4, 5]);
      expect(events.map((e) => e.eventData)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    },
  },
  {
    name: 'streams are independent: each has its own versions',
    async run({ store }) {
      await store.append(account('a'), 'no_stream', newEvents(2));
      await store.append(account('b'), 'no_stream', newEvents(1));
      await store.append(account('a'), 2, newEvents(1));
      expect(await store.getStreamVersion(account('a'))).toBe(3);
      expect(await store.getStreamVersion(account('b'))).toBe(1);
      expect(versionsOf(await collect(store.readStream(account('b'))))).toEqual([1]);
    },
  },
  {
    name: 'an empty append to an absent stream is a no-op that reports version 0',
    async run({ store }) {
      const result = await store.append(account(), 'any', []);
      expect(result).toEqual({ nextExpectedVersion: 0, firstPosition: 0n, lastPosition: 0n });
      expect(await store.getStreamVersion(account())).toBe(0);
      expect(await store.getAllEvents()).toEqual([]);
    },
  },
  {
    name: 'an empty append to a stream is a no-op that reports its current version',
    async run({ store }) {
      const appended = await store.append(account(), 'no_stream', newEvents(2));
      const before = await store.getAllEvents();
      const result = await store.append(account(), 2, []);
      expect(result).toEqual({
        nextExpectedVersion: 2,
        firstPosition: appended.lastPosition,
        lastPosition: appended.lastPosition,
      });
      expect(await store.getAllEvents()).toEqual(before);
    },
  },
]);
