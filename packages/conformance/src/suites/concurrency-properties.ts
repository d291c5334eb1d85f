import { type AppendResult, isConcurrencyError } from '@chronicle/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { account, collect, newEvent, versionsOf } from '../support/fixtures';
import { assertProperty, propertyRuns } from '../support/property-settings';
import { defineSuite } from '../test-definition';

interface RaceOp {
  readonly stream: number;
  readonly mode: 'fresh' | 'stale' | 'any';
  readonly size: number;
  readonly delay: number;
}

const raceOpArb = fc.record({
  stream: fc.integer({ min: 0, max: 1 }),
  mode: fc.constantFrom<RaceOp['mode']>('fresh', 'fresh', 'stale', 'any'),
  size: fc.integer({ min: 1, max: 3 }),
  delay: fc.integer({ min: 0, max: 3 }),
});

/**
 * Contract rules 2–3 (`docs/contract.md`) as a property over real `Promise.all` races: random writers,
 * expected versions and delays.
 */
export const concurrencyPropertyTests = defineSuite('concurrency', [
  {
    name: 'property: racing writers with random expected versions keep streams gapless and results truthful',
    timeout: 120_000 + propertyRuns() * 2_000,
    async run({ store, log }) {
      let run = 0;
      const runs = await assertProperty(
        fc.asyncProperty(
          fc.array(fc.array(raceOpArb, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 5 }),
          async (writers) => {
            const ns = `Race${++run}-${Math.random().toString(36).slice(2, 8)}`;
            const streams = [0, 1].map((i) => account(`${ns}-${i}`));
            const committed: { stream: number; ids: string[]; result: AppendResult }[] = [];
            await Promise.all(
              writers.map(async (ops) => {
                for (const op of ops) {
                  await new Promise((resolve) => setTimeout(resolve, op.delay));
                  const target = streams[op.stream]!;
                  const current = op.mode === 'any' ? 0 : await store.getStreamVersion(target);
                  // Stale: below a version the stream already had, so no interleaving can make it right.
                  const stale = op.mode === 'stale' && current > 0;
                  const expected = op.mode === 'any' ? 'any' : stale ? current - 1 : current;
                  const batch = Array.from({ length: op.size }, () => newEvent('Raced', { op: op.mode }));
                  try {
                    const result = await store.append(target, expected, batch);
                    expect(stale, 'an append below a version the stream already had never succeeds').toBe(
                      false,
                    );
                    if (typeof expected === 'number') {
                      expect(
                        result.nextExpectedVersion,
                        'a success at version n puts its events right after n',
                      ).toBe(expected + batch.length);
                    }
                    committed.push({ stream: op.stream, ids: batch.map((e) => e.eventId!), result });
                  } catch (error) {
                    if (!isConcurrencyError(error)) throw error;
                    expect(op.mode, "'any' never conflicts").not.toBe('any');
                    expect(
                      error.actualVersion,
                      'a conflict reports a version other than the expected one',
                    ).not.toBe(expected);
                  }
                }
              }),
            );
            for (const [index, stream] of streams.entries()) {
              const events = await store.getEvents(stream.aggregateType, stream.aggregateId);
              expect(versionsOf(events), `${stream.aggregateId} has versions 1..n`).toEqual(
                events.map((_, i) => i + 1),
              );
              const mine = committed.filter((c) => c.stream === index);
              expect(events.length).toBe(mine.reduce((n, c) => n + c.ids.length, 0));
              for (const c of mine) {
                // Each success's events stand together, ending at the version its result reported.
                const end = c.result.nextExpectedVersion;
                expect(events.slice(end - c.ids.length, end).map((e) => e.eventId)).toEqual(c.ids);
                expect(events[end - c.ids.length]!.position).toBe(c.result.firstPosition);
                expect(events[end - 1]!.position).toBe(c.result.lastPosition);
              }
            }
            const all = await collect(store.readAll({ aggregateTypes: ['BankAccount'] }));
            const raced = all.filter((e) => e.aggregateId.startsWith(`${ns}-`));
            expect(raced.every((e, i) => i === 0 || e.position > raced[i - 1]!.position)).toBe(true);
            expect(raced.length).toBe(committed.reduce((n, c) => n + c.ids.length, 0));
          },
        ),
        'the racing-writers property',
      );
      log(`${runs} runs`);
    },
  },
]);

/**
 * `fc.scheduler` decides in which order the writers learn what the store answered, so every run is
 * one reproducible interleaving of load-then-append writers (stale loads included). A failure replays
 * the same interleaving from its seed and path; on a database the store's own work inside each call
 * may still be timed differently.
 */
export const schedulerTests = defineSuite('concurrency', [
  {
    name: 'property (fc.scheduler): every interleaving of load-then-append writers keeps the stream exact',
    timeout: 120_000 + propertyRuns() * 2_000,
    async run({ store, log }) {
      let run = 0;
      const runs = await assertProperty(
        fc.asyncProperty(
          fc.scheduler(),
          fc.integer({ min: 2, max: 4 }),
          fc.integer({ min: 1, max: 3 }),
          async (s, writers, rounds) => {
            const stream = account(`Sched${++run}-${Math.random().toString(36).slice(2, 8)}`);
            const load = s.scheduleFunction(async function load() {
              return store.getStreamVersion(stream);
            });
            // Settled into a value: a scheduled promise that rejects before the scheduler releases it
            // would be reported as an unhandled rejection.
            const append = s.scheduleFunction(async function append(version: number, id: string) {
              const events = [{ eventId: id, eventType: 'Ticked', eventData: { version } }];
              return store.append(stream, version, events).then(
                (result) => ({ result }),
                (error: unknown) => ({ error }),
              );
            });
            const successes: { version: number; id: string; result: AppendResult }[] = [];
            const tasks = Array.from({ length: writers }, async (_, w) => {
              for (let r = 0; r < rounds; r++) {
                const version = await load();
                const id = `${stream.aggregateId}-${w}-${r}`;
                const outcome = await append(version, id);
                if ('result' in outcome) {
                  successes.push({ version, id, result: outcome.result });
                } else {
                  if (!isConcurrencyError(outcome.error)) throw outcome.error;
                  expect(
                    outcome.error.actualVersion,
                    'a conflict reports a version other than the one loaded',
                  ).not.toBe(version);
                }
              }
            });
            await s.waitFor(Promise.all(tasks));
            const events = await store.getEvents(stream.aggregateType, stream.aggregateId);
            expect(versionsOf(events)).toEqual(events.map((_, i) => i + 1));
            expect(events).toHaveLength(successes.length);
            for (const success of successes) {
              expect(success.result.nextExpectedVersion, 'a success at version n lands at n + 1').toBe(
                success.version + 1,
              );
              expect(events[success.version]!.eventId).toBe(success.id);
            }
          },
        ),
        'the scheduled-interleavings property',
      );
      log(`${runs} runs`);
    },
  },
]);
