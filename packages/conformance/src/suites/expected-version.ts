import type { ExpectedVersion, ReadWriteEventStore, StreamRef } from '@chronicle/core';
import { expect } from 'vitest';
import { expectRejectedAndNothingWritten } from '../support/expect-error';
import { account, newEvents, versionsOf } from '../support/fixtures';
import { defineSuite } from '../test-definition';

async function expectConflict(
  store: ReadWriteEventStore,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  actualVersion: number,
): Promise<void> {
  const error = await expectRejectedAndNothingWritten(
    store,
    () => store.append(stream, expectedVersion, newEvents(1)),
    'CONCURRENCY',
    `append with expected version ${String(expectedVersion)} to a stream at version ${actualVersion}`,
  );
  expect(error.actualVersion, 'ConcurrencyError.actualVersion is the stream’s real version').toBe(
    actualVersion,
  );
  expect(error.expectedVersion).toBe(expectedVersion);
  expect(error.stream).toEqual({ aggregateType: stream.aggregateType, aggregateId: stream.aggregateId });
}

/** Contract rule 3 (`docs/contract.md`): the expected version in all its forms. */
export const expectedVersionTests = defineSuite('expected-version', [
  {
    name: 'a number equal to the current version appends',
    async run({ store }) {
      await store.append(account(), 0, newEvents(2));
      const result = await store.append(account(), 2, newEvents(1));
      expect(result.nextExpectedVersion).toBe(3);
    },
  },
  {
    name: 'a number below the current version throws ConcurrencyError with the actual version',
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(3));
      await expectConflict(store, account(), 1, 3);
      await expectConflict(store, account(), 0, 3);
    },
  },
  {
    name: 'a number above the current version throws ConcurrencyError with the actual version',
    async run({ store }) {
      await expectConflict(store, account(), 1, 0);
      await store.append(account(), 'no_stream', newEvents(2));
      await expectConflict(store, account(), 3, 2);
      await expectConflict(store, account(), 100, 2);
    },
  },
  {
    name: "'no_stream' appends the first events of a stream",
    async run({ store }) {
      const result = await store.append(account(), 'no_stream', newEvents(2));
      expect(result.nextExpectedVersion).toBe(2);
      expect(versionsOf(await store.getEvents('BankAccount', 'acc-1'))).toEqual([1, 2]);
    },
  },
  {
    name: "'no_stream' on a second write throws ConcurrencyError with the actual version",
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(2));
      await expectConflict(store, account(), 'no_stream', 2);
    },
  },
  {
    name: "'stream_exists' on an absent stream throws ConcurrencyError with version 0",
    async run({ store }) {
      await store.append(account('other'), 'no_stream', newEvents(1));
      await expectConflict(store, account(), 'stream_exists', 0);
    },
  },
  {
    name: "'stream_exists' appends to a stream that has events",
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(1));
      const result = await store.append(account(), 'stream_exists', newEvents(2));
      expect(result.nextExpectedVersion).toBe(3);
    },
  },
  {
    name: "'any' appends to an absent and to an existing stream",
    async run({ store }) {
      expect((await store.append(account(), 'any', newEvents(2))).nextExpectedVersion).toBe(2);
      expect((await store.append(account(), 'any', newEvents(1))).nextExpectedVersion).toBe(3);
      expect(versionsOf(await store.getEvents('BankAccount', 'acc-1'))).toEqual([1, 2, 3]);
    },
  },
]);
