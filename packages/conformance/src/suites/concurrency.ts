import {
  type AppendResult,
  isConcurrencyError,
  type ReadWriteEventStore,
  type StreamRef,
} from '@chronicle/core';
import { expect } from 'vitest';
import { account, collect, newEvent, newEvents, versionsOf } from '../support/fixtures';
import { defineSuite } from '../test-definition';

type Outcome =
  | { ok: true; result: AppendResult; index: number }
  | { ok: false; error: unknown; index: number };

const settle = (promises: readonly Promise<AppendResult>[]): Promise<Outcome[]> =>
  Promise.all(
    promises.map((p, index) =>
      p.then(
        (result): Outcome => ({ ok: true, result, index }),
        (error: unknown): Outcome => ({ ok: false, error, index }),
      ),
    ),
  );

/**
 * Increments a counter stream by one event, reloading and retrying on `ConcurrencyError`: the
 * load-decide-append loop every aggregate repository runs.
 */
async function increment(store: ReadWriteEventStore, stream: StreamRef, worker: number): Promise<number> {
  for (let attempt = 1; attempt <= 1000; attempt++) {
    const version = await store.getStreamVersion(stream);
    try {
      await store.append(stream, version, [newEvent('Incremented', { worker, seenVersion: version })]);
      return attempt;
    } catch (error) {
      if (!isConcurrencyError(error)) throw error;
      expect(
        error.actualVersion,
        'a conflict reports a version above the one the writer saw',
      ).toBeGreaterThan(version);
      // Back off a little, as withRetry does, so writers do not run in lock-step forever.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)));
    }
  }
  throw new Error(`worker ${worker} could not increment ${stream.aggregateId} in 1000 attempts`);
}

/** Contract rules 2–4 (`docs/contract.md`) under contention: exactly one of N racing appends wins; versions stay gapless. */
export const concurrencyTests = defineSuite('concurrency', [
  {
    name: 'of N concurrent appends at one expected version exactly one succeeds; the others get the actual version',
    timeout: 60_000,
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(2));
      for (const [expectedVersion, actualAfter] of [
        [2, 4],
        [4, 6],
      ] as const) {
        const batches = Array.from({ length: 8 }, (_, i) => [
          newEvent('Raced', { i }),
          newEvent('Raced', { i }),
        ]);
        const outcomes = await settle(
          batches.map((batch) => store.append(account(), expectedVersion, batch)),
        );
        const winners = outcomes.filter((o) => o.ok);
        expect(
          winners,
          `exactly one of 8 appends at expected version ${expectedVersion} succeeds`,
        ).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.ok) continue;
          expect(
            isConcurrencyError(outcome.error),
            `a loser fails with ConcurrencyError, got ${String(outcome.error)}`,
          ).toBe(true);
          if (isConcurrencyError(outcome.error)) expect(outcome.error.actualVersion).toBe(actualAfter);
        }
        const winner = winners[0]!;
        const events = await store.getEvents('BankAccount', 'acc-1', expectedVersion);
        expect(events.map((e) => e.eventId)).toEqual(batches[winner.index]!.map((e) => e.eventId));
        expect(await store.getStreamVersion(account())).toBe(actualAfter);
      }
    },
  },
  {
    name: "of N concurrent 'no_stream' appends to a new stream exactly one succeeds",
    timeout: 60_000,
    async run({ store }) {
      const batches = Array.from({ length: 8 }, (_, i) => [newEvent('Opened', { i })]);
      const outcomes = await settle(batches.map((batch) => store.append(account('new'), 'no_stream', batch)));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.ok) continue;
        expect(
          isConcurrencyError(outcome.error),
          `a loser fails with ConcurrencyError, got ${String(outcome.error)}`,
        ).toBe(true);
        if (isConcurrencyError(outcome.error)) expect(outcome.error.actualVersion).toBe(1);
      }
      expect(versionsOf(await store.getEvents('BankAccount', 'new'))).toEqual([1]);
    },
  },
  {
    name: 'many writers on distinct streams all succeed',
    timeout: 60_000,
    async run({ store }) {
      const writers = 12;
      const appendsEach = 5;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let version = 0;
          for (let a = 0; a < appendsEach; a++) {
            const result = await store.append(account(`writer-${w}`), version, [newEvent('Wrote', { w, a })]);
            version = result.nextExpectedVersion;
          }
        }),
      );
      for (let w = 0; w < writers; w++) {
        expect(versionsOf(await store.getEvents('BankAccount', `writer-${w}`))).toEqual([1, 2, 3, 4, 5]);
      }
      const all = await collect(store.readAll());
      expect(all).toHaveLength(writers * appendsEach);
      expect(new Set(all.map((e) => e.position)).size).toBe(all.length);
      expect(all.every((e, i) => i === 0 || e.position > all[i - 1]!.position)).toBe(true);
    },
  },
  {
    name: 'a contended counter stream reaches exactly the expected count with versions 1..n',
    timeout: 120_000,
    async run({ store, log }) {
      const workers = 6;
      const incrementsEach = 5;
      const stream = account('counter');
      const attempts = await Promise.all(
        Array.from({ length: workers }, async (_, worker) => {
          let total = 0;
          for (let i = 0; i < incrementsEach; i++) total += await increment(store, stream, worker);
          return total;
        }),
      );
      const n = workers * incrementsEach;
      const events = await store.getEvents(stream.aggregateType, stream.aggregateId);
      expect(versionsOf(events)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(await store.getStreamVersion(stream)).toBe(n);
      // Each event was decided on the version right before it: no lost update.
      expect(events.map((e) => (e.eventData as { seenVersion: number }).seenVersion)).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
      const retries = attempts.reduce((a, b) => a + b, 0) - n;
      log(`${n} increments by ${workers} writers needed ${retries} retries`);
    },
  },
  {
    name: 'concurrent retries of one batch store it once; each gets the original result or a ConcurrencyError',
    timeout: 60_000,
    async run({ store }) {
      await store.append(account(), 'no_stream', newEvents(1));
      const batch = newEvents(3);
      const outcomes = await settle(Array.from({ length: 6 }, () => store.append(account(), 1, batch)));
      const results = outcomes.flatMap((o) => (o.ok ? [o.result] : []));
      expect(results.length).toBeGreaterThanOrEqual(1);
      for (const result of results) expect(result).toEqual(results[0]);
      for (const outcome of outcomes) {
        if (!outcome.ok) {
          expect(
            isConcurrencyError(outcome.error),
            `a retry fails only with ConcurrencyError, got ${String(outcome.error)}`,
          ).toBe(true);
        }
      }
      const events = await store.getEvents('BankAccount', 'acc-1');
      expect(events.map((e) => e.eventId)).toEqual([events[0]!.eventId, ...batch.map((e) => e.eventId)]);
      // Once the first attempt has committed, a retry is a plain repeat.
      expect(await store.append(account(), 1, batch)).toEqual(results[0]);
    },
  },
]);
