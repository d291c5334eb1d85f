import { expect } from 'vitest';
import { expectRejectedAndNothingWritten } from '../support/expect-error';
import { account, captureLog, newEvent, newEvents, order } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/** Contract rule 4 (`docs/contract.md`): a repeated append is a no-op returning the original result; any other reuse of an id fails. */
export const idempotencyTests = defineSuite('idempotency', [
  {
    name: 'the same batch re-appended with the same numeric expected version returns the original result and writes nothing',
    async run({ store }) {
      await store.append(account(), 0, newEvents(1));
      const batch = newEvents(3);
      const first = await store.append(account(), 1, batch);
      const log = await captureLog(store);
      expect(await store.append(account(), 1, batch)).toEqual(first);
      expect(await captureLog(store)).toEqual(log);
    },
  },
  {
    name: "the same batch re-appended with 'no_stream' returns the original result and writes nothing",
    async run({ store }) {
      const batch = newEvents(2);
      const first = await store.append(account(), 'no_stream', batch);
      const log = await captureLog(store);
      expect(await store.append(account(), 'no_stream', batch)).toEqual(first);
      expect(await captureLog(store)).toEqual(log);
    },
  },
  {
    name: "the same batch re-appended with 'any' returns the original result and writes nothing",
    async run({ store }) {
      await store.append(account(), 'any', newEvents(2));
      const batch = newEvents(2);
      const first = await store.append(account(), 'any', batch);
      const log = await captureLog(store);
      expect(await store.append(account(), 'any', batch)).toEqual(first);
      expect(await store.append(account(), 'stream_exists', batch)).toEqual(first);
      expect(await captureLog(store)).toEqual(log);
    },
  },
  {
    name: 'a repeat still returns the original result after the stream has moved on',
    async run({ store }) {
      const batch = newEvents(2);
      const first = await store.append(account(), 'no_stream', batch);
      await store.append(account(), 2, newEvents(3));
      const log = await captureLog(store);
      expect(await store.append(account(), 0, batch)).toEqual(first);
      expect(await captureLog(store)).toEqual(log);
    },
  },
  {
    name: 'a batch that partly overlaps a stored one throws DuplicateEventError and writes nothing',
    async run({ store }) {
      const batch = newEvents(2);
      await store.append(account(), 'no_stream', batch);
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 2, [newEvent(), batch[1]!]),
        'DUPLICATE_EVENT',
        'an append of one new event and one stored event',
      );
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 'no_stream', [batch[1]!]),
        'DUPLICATE_EVENT',
        'the second event of a stored batch alone, where it would become version 1',
      );
    },
  },
  {
    name: 'a stored batch plus extra events throws DuplicateEventError and writes nothing',
    async run({ store }) {
      const batch = newEvents(2);
      await store.append(account(), 'no_stream', batch);
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 'no_stream', [...batch, newEvent()]),
        'DUPLICATE_EVENT',
        'a stored batch with an extra event at the end',
      );
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 'any', [newEvent(), ...batch]),
        'DUPLICATE_EVENT',
        'a stored batch with an extra event in front',
      );
    },
  },
  {
    name: 'the same events in another order throw DuplicateEventError and write nothing',
    async run({ store }) {
      const batch = newEvents(3);
      await store.append(account(), 'no_stream', batch);
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 'no_stream', [batch[1]!, batch[0]!, batch[2]!]),
        'DUPLICATE_EVENT',
        'the stored batch reordered',
      );
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 'any', [...batch].reverse()),
        'DUPLICATE_EVENT',
        "the stored batch reversed with 'any'",
      );
    },
  },
  {
    name: 'stored events appended to another stream throw DuplicateEventError and write nothing',
    async run({ store }) {
      const batch = newEvents(2);
      await store.append(account('a'), 'no_stream', batch);
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account('b'), 'no_stream', batch),
        'DUPLICATE_EVENT',
        'the batch of BankAccount/a appended to BankAccount/b',
      );
      await expectRejectedAndNothingWritten(
        store,
        () => store.append({ aggregateType: 'Order', aggregateId: 'a' }, 'any', batch),
        'DUPLICATE_EVENT',
        'the batch of BankAccount/a appended to Order/a (same id, other aggregate type)',
      );
      expect(await store.getStreamVersion(account('b'))).toBe(0);
      expect(await store.getStreamVersion(order('a'))).toBe(0);
    },
  },
  {
    name: 'stored events at other versions than the expected version implies throw DuplicateEventError',
    async run({ store }) {
      const batch = newEvents(2);
      await store.append(account(), 'no_stream', batch);
      await store.append(account(), 2, newEvents(1));
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 1, batch),
        'DUPLICATE_EVENT',
        'the batch stored at versions 1–2 re-appended with expected version 1',
      );
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 3, batch),
        'DUPLICATE_EVENT',
        'the batch stored at versions 1–2 re-appended with expected version 3',
      );
    },
  },
  {
    name: 'a duplicate id inside one batch throws DuplicateEventError and writes nothing',
    async run({ store }) {
      const twin = newEvent();
      await expectRejectedAndNothingWritten(
        store,
        () =>
          store.append(account(), 'no_stream', [twin, newEvent(), { ...twin, eventData: { other: true } }]),
        'DUPLICATE_EVENT',
        'a batch carrying one event id twice, on a new stream',
      );
      expect(await store.getStreamVersion(account())).toBe(0);
      await store.append(account(), 'no_stream', newEvents(1));
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 1, [twin, twin]),
        'DUPLICATE_EVENT',
        'a batch carrying one event id twice, on an existing stream',
      );
      // Nothing of the failed batches was kept: the id is still free.
      expect((await store.append(account(), 1, [twin])).nextExpectedVersion).toBe(2);
    },
  },
  {
    name: 'a failed append does not reserve its event ids',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(1));
      const batch = newEvents(2);
      await expectRejectedAndNothingWritten(
        store,
        () => store.append(account(), 0, batch),
        'CONCURRENCY',
        'an append with a stale expected version',
      );
      const result = await store.append(account(), 1, batch);
      expect(result.nextExpectedVersion).toBe(3);
    },
  },
]);
