// Projections on the adapter (issue #14): inline ones commit with the append or not at all; async
// ones save their checkpoint with their documents, so every event takes effect exactly once; a new
// version is rebuilt side by side and switched to atomically. Property-based: the documents always
// equal a pure fold of the committed events.
import {
  type EventStore,
  isConcurrencyError,
  isProjectionError,
  type NewEvent,
  rebuildProjection,
  startProjection,
} from '@chronicle/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { captureLog, newEvent } from '../support/fixtures';
import {
  foldLedger,
  type LedgerState,
  ledgerAccount,
  ledgerProjection,
  projectable,
  readLedger,
} from '../support/projections';
import { assertProperty } from '../support/property-settings';
import { defineSuite } from '../test-definition';

const requires = ['subscriptions', 'projections'] as const;

/** One generated event of the ledger; a negative credit is a poison event (its handler throws). */
const ledgerEvent = fc.oneof(
  fc.record({ type: fc.constant('Opened' as const), owner: fc.constantFrom('Ada', 'Bo', 'Cy') }),
  fc.record({ type: fc.constant('Credited' as const), amount: fc.integer({ min: -1, max: 5 }) }),
  fc.record({ type: fc.constant('Closed' as const) }),
);
type GeneratedEvent = typeof ledgerEvent extends fc.Arbitrary<infer T> ? T : never;

const toNewEvent = (e: GeneratedEvent): NewEvent =>
  e.type === 'Opened'
    ? newEvent('Opened', { owner: e.owner })
    : e.type === 'Credited'
      ? newEvent('Credited', { amount: e.amount })
      : newEvent('Closed', {});

const appendsArbitrary = fc.array(
  fc.record({
    account: fc.constantFrom('a', 'b', 'c'),
    events: fc.array(ledgerEvent, { minLength: 1, maxLength: 3 }),
    staleVersion: fc.boolean(),
  }),
  { minLength: 1, maxLength: 12 },
);

/** Only non-poison events, for async runs (a poison event would stop the processor by design). */
const safeEvents = fc
  .array(fc.record({ account: fc.constantFrom('a', 'b', 'c'), event: ledgerEvent }), {
    minLength: 1,
    maxLength: 30,
  })
  .map((list) =>
    list.map(({ account, event }) =>
      event.type === 'Credited' && event.amount < 0
        ? { account, event: { ...event, amount: 1 } }
        : { account, event },
    ),
  );

async function expectLedger(store: EventStore, expected: LedgerState, what: string, name = 'ledger') {
  expect(await readLedger(store, name), what).toEqual(expected);
}

export const projectionsTests = defineSuite('projections', [
  {
    name: 'inline: after every append, failed ones included, the documents equal the fold of the committed events',
    requires,
    timeout: 120_000,
    async run({ openStore }) {
      await assertProperty(
        fc.asyncProperty(appendsArbitrary, async (appends) => {
          const store = await openStore({ inlineProjections: [ledgerProjection()] });
          for (const [i, append] of appends.entries()) {
            const stream = ledgerAccount(append.account);
            const version = await store.getStreamVersion(stream);
            const poisoned = append.events.some((e) => e.type === 'Credited' && e.amount < 0);
            try {
              await store.append(
                stream,
                append.staleVersion ? version + 1 : version,
                append.events.map(toNewEvent),
              );
              expect(poisoned || append.staleVersion, `append #${i} should have failed`).toBe(false);
            } catch (error) {
              if (append.staleVersion) expect(isConcurrencyError(error), String(error)).toBe(true);
              else expect(isProjectionError(error), `append #${i}: ${String(error)}`).toBe(true);
            }
            await expectLedger(store, foldLedger(await store.getAllEvents()), `after append #${i}`);
          }
        }),
        'inline projection equals the fold',
      );
    },
  },
  {
    name: 'inline: a throwing handler leaves neither event nor document, and the caller gets a ProjectionError with the cause',
    requires,
    async run({ openStore }) {
      const store = await openStore({ inlineProjections: [ledgerProjection()] });
      await store.append(ledgerAccount('a'), 'no_stream', [newEvent('Opened', { owner: 'Ada' })]);
      const before = await captureLog(store);
      const documents = await readLedger(store);
      let error: unknown;
      try {
        await store.append(ledgerAccount('a'), 1, [
          newEvent('Credited', { amount: 3 }),
          newEvent('Credited', { amount: -1 }),
        ]);
      } catch (thrown) {
        error = thrown;
      }
      expect(isProjectionError(error), String(error)).toBe(true);
      expect((error as { projection: string }).projection).toBe('ledger');
      expect(String((error as Error).cause)).toMatch(/poison/);
      expect(await captureLog(store), 'no event of the failed append is stored').toEqual(before);
      expect(await readLedger(store), 'no document of the failed append is stored').toEqual(documents);
    },
  },
  {
    name: 'async: after whenProcessed the documents equal the fold — exactly once across transient failures and restarts',
    requires,
    timeout: 120_000,
    async run({ openStore }) {
      await assertProperty(
        fc.asyncProperty(
          safeEvents,
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 4 }),
          fc.integer({ min: 0, max: 30 }),
          async (events, batchSize, failures, restartAt) => {
            const store = projectable(await openStore());
            const versions = new Map<string, number>();
            for (const { account, event } of events) {
              const v = versions.get(account) ?? 0;
              await store.append(ledgerAccount(account), v, [toNewEvent(event)]);
              versions.set(account, v + 1);
            }
            const all = await store.getAllEvents();
            const head = all.at(-1)!.position;
            const failOnce = new Set(failures.map((f) => all[(f - 1) % all.length]!.position));
            const options = { batchSize, retry: { maxAttempts: 5, baseDelayMs: 0 } };
            const definition = ledgerProjection({ failOnce });
            const first = startProjection(store, definition, options);
            const stopAt = all[Math.min(restartAt, all.length - 1)]!.position;
            await first.whenProcessed(stopAt);
            await first.stop();
            // A second instance (a restart) resumes from the checkpoint saved with the documents.
            const second = startProjection(store, definition, options);
            await second.whenProcessed(head);
            await second.stop();
            expect(second.status().lastError, 'no failure outlives its retries').toBeUndefined();
            await expectLedger(store, foldLedger(all), 'every event applied exactly once');
          },
        ),
        'async projection equals the fold',
      );
    },
  },
  {
    name: 'rebuild: a new version built side by side equals a fresh projection, switches atomically and drops the old data',
    requires,
    async run({ openStore }) {
      const store = projectable(await openStore());
      const events = ['a', 'b', 'a', 'c', 'b'].map((account, i) => ({ account, i }));
      for (const { account, i } of events) {
        await store.append(ledgerAccount(account), 'any', [
          i < 3 ? newEvent('Opened', { owner: account }) : newEvent('Credited', { amount: i }),
        ]);
      }
      const buggy = startProjection(store, ledgerProjection({ factor: 1 }));
      const head = (await store.getAllEvents()).at(-1)!.position;
      await buggy.whenProcessed(head);
      await buggy.stop();
      const progress: { done: bigint; total: bigint }[] = [];
      const result = await rebuildProjection(store, ledgerProjection({ version: 2, factor: 10 }), {
        batchSize: 2,
        onProgress: ({ done, total }) => progress.push({ done, total }),
      });
      expect(result.switched).toBe(true);
      expect(progress.at(-1), 'progress reaches the total').toEqual({ done: head, total: head });
      expect(
        progress.map((p) => p.done),
        'progress only grows',
      ).toEqual([...progress.map((p) => p.done)].sort((a, b) => (a < b ? -1 : 1)));
      await expectLedger(
        store,
        foldLedger(await store.getAllEvents(), 10),
        'the active version is the rebuilt one',
      );
      expect(await store.projections.versions('ledger')).toEqual([
        { name: 'ledger', version: 1, status: 'retired' },
        { name: 'ledger', version: 2, status: 'active' },
      ]);
      const old = { projection: 'ledger', version: 1, collection: 'accounts' };
      expect(
        await store.projections.documents.count(old, {}),
        "the old version's documents are dropped",
      ).toBe(0);
    },
  },
  {
    name: 'rebuild: a stopped rebuild resumes where it stopped; readers see the old version until the switch',
    requires,
    async run({ openStore }) {
      const store = projectable(await openStore({ inlineProjections: [ledgerProjection()] }));
      for (const account of ['a', 'b', 'c', 'd']) {
        await store.append(ledgerAccount(account), 'no_stream', [
          newEvent('Opened', { owner: account }),
          newEvent('Credited', { amount: 2 }),
        ]);
      }
      const v1 = foldLedger(await store.getAllEvents(), 1);
      const v2 = ledgerProjection({ version: 2, factor: 3 });
      const stop = new AbortController();
      const first = await rebuildProjection(store, v2, {
        batchSize: 3,
        signal: stop.signal,
        keepOldVersions: true,
        onProgress: () => stop.abort(),
      });
      expect(first.switched).toBe(false);
      await expectLedger(store, v1, 'readers keep the old version during the rebuild');
      const second = await rebuildProjection(store, v2, { batchSize: 3, keepOldVersions: true });
      expect(second.switched).toBe(true);
      expect(first.done + second.done, 'the second call resumed: no event examined twice').toBe(
        (await store.getAllEvents()).at(-1)!.position,
      );
      await expectLedger(store, foldLedger(await store.getAllEvents(), 3), 'after the switch');
      const old = { projection: 'ledger', version: 1, collection: 'accounts' };
      expect(await store.projections.documents.count(old, {}), 'kept on request').toBe(4);
    },
  },
  {
    name: 'rebuild of an inline projection while appends go on: no append falls between caught-up and the switch',
    requires,
    timeout: 60_000,
    async run({ openStore }) {
      const v1 = ledgerProjection();
      const v2 = ledgerProjection({ version: 2, factor: 7 });
      const store = projectable(await openStore({ inlineProjections: [v1, v2] }));
      const append = (i: number) =>
        store.append(ledgerAccount(`acc-${i % 5}`), 'any', [
          i < 5 ? newEvent('Opened', { owner: `o${i}` }) : newEvent('Credited', { amount: i }),
        ]);
      for (let i = 0; i < 20; i++) await append(i);
      const writers = (async () => {
        for (let i = 20; i < 80; i++) await append(i);
      })();
      await rebuildProjection(store, v2, { batchSize: 5 });
      await writers;
      for (let i = 80; i < 85; i++) await append(i);
      await expectLedger(
        store,
        foldLedger(await store.getAllEvents(), 7),
        'the switched version saw every event once',
      );
    },
  },
]);
