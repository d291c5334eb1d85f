// Rules C1–C5 of docs/contract.md ("Consuming"): a subscription delivers every matching committed
// event once, in order, with a safe `through`, live, bounded, and ends cleanly.
import {
  type DomainEvent,
  type EventBatch,
  type EventFilter,
  isInvalidArgumentError,
  type StreamRef,
} from '@chronicle/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { catchUp, deliveredPositions, eventually, subscribable, thrownBy } from '../support/consuming';
import { newEvent, newEvents } from '../support/fixtures';
import { assertProperty, propertyRuns } from '../support/property-settings';
import { defineSuite } from '../test-definition';

const requires = ['subscriptions'] as const;
const ledger = (id: string, type = 'Ledger'): StreamRef => ({ aggregateType: type, aggregateId: id });

/** Whether `event` passes `filter`, as the contract defines it. */
const matches = (event: DomainEvent, filter: EventFilter): boolean =>
  (filter.eventTypes === undefined || filter.eventTypes.includes(event.eventType)) &&
  (filter.aggregateTypes === undefined || filter.aggregateTypes.includes(event.aggregateType));

/**
 * C1 and C2 checked against the whole log: the delivered events are exactly the matching ones
 * above `from` (up to the last `through`), in order, and no batch's `through` passes a matching
 * event it did not deliver.
 */
export function expectFaithful(
  batches: readonly EventBatch[],
  log: readonly DomainEvent[],
  from: bigint,
  filter: EventFilter,
): void {
  const last = batches.at(-1)?.through ?? from;
  const expected = log.filter((e) => e.position > from && e.position <= last && matches(e, filter));
  expect(deliveredPositions(batches), 'C1: every matching event above from, once, in order').toEqual(
    expected.map((e) => e.position),
  );
  let previous = from;
  for (const batch of batches) {
    expect(batch.through >= previous, 'C2: through never moves back').toBe(true);
    for (const event of batch.events) {
      expect(
        event.position > previous && event.position <= batch.through,
        'C2: events lie within (previous through, through]',
      ).toBe(true);
    }
    const owed = expected.filter((e) => e.position > previous && e.position <= batch.through);
    expect(
      batch.events.map((e) => e.position),
      `C2: through ${batch.through} passes no matching event it did not deliver`,
    ).toEqual(owed.map((e) => e.position));
    previous = batch.through;
  }
}

export const subscriptionsTests = defineSuite('subscriptions', [
  {
    name: 'delivers every committed event once, in order, and ends when caught up with live false',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', newEvents(5));
      await s.append(ledger('b'), 'any', newEvents(4));
      const batches = await catchUp(s, { batchSize: 3 });
      const log = await s.getAllEvents();
      expectFaithful(batches, log, 0n, {});
      expect(deliveredPositions(batches)).toHaveLength(9);
      expect(
        batches.every((b) => b.events.length <= 3),
        'C4: no batch holds more than batchSize',
      ).toBe(true);
      expect(batches.at(-1)?.caughtUp).toBe(true);
      expect(batches.at(-1)?.through).toBe(log.at(-1)?.position);
    },
  },
  {
    name: 'from is exclusive, and from end delivers only events committed afterwards',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const first = await s.append(ledger('a'), 'any', newEvents(4));
      const middle = first.firstPosition + 1n;
      const batches = await catchUp(s, { from: middle });
      expectFaithful(batches, await s.getAllEvents(), middle, {});
      expect(deliveredPositions(batches)[0]).toBe(middle + 1n);

      const controller = new AbortController();
      const seen: bigint[] = [];
      const following = (async () => {
        for await (const batch of s.subscribe({ from: 'end', signal: controller.signal })) {
          seen.push(...batch.events.map((e) => e.position));
          if (seen.length >= 2) controller.abort();
        }
      })();
      // The subscription resolves 'end' when it starts: wait until it has, then append.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const later = await s.append(ledger('a'), 'any', newEvents(2));
      await following;
      expect(seen, "from 'end' delivers only what was committed after it started").toEqual([
        later.firstPosition,
        later.lastPosition,
      ]);
    },
  },
  {
    name: 'a filter delivers only matching events, and through still advances to the head past filtered-out ones',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', [newEvent('Opened'), newEvent('Deposited'), newEvent('Closed')]);
      await s.append(ledger('x', 'Other'), 'any', [newEvent('Deposited'), newEvent('Deposited')]);
      const filter = { eventTypes: ['Deposited'], aggregateTypes: ['Ledger'] };
      const log = await s.getAllEvents();
      const batches = await catchUp(s, { filter, batchSize: 1 });
      expectFaithful(batches, log, 0n, filter);
      expect(deliveredPositions(batches)).toHaveLength(1);
      expect(batches.at(-1)?.through, 'C2: a filtered subscription examines up to the head').toBe(
        log.at(-1)?.position,
      );

      const none = await catchUp(s, { filter: { eventTypes: ['NeverWritten'] } });
      expect(deliveredPositions(none)).toEqual([]);
      expect(none.at(-1)?.through, 'C2: through reaches the head even when nothing matches').toBe(
        log.at(-1)?.position,
      );
    },
  },
  {
    name: 'a live subscription delivers events committed after it caught up, without a restart',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', newEvents(2));
      const controller = new AbortController();
      const batches: EventBatch[] = [];
      let caughtUp = false;
      const following = (async () => {
        for await (const batch of s.subscribe({ signal: controller.signal })) {
          batches.push(batch);
          if (batch.caughtUp) caughtUp = true;
        }
      })();
      await eventually(() => caughtUp, 'the subscription caught up');
      const later = await s.append(ledger('b'), 'any', newEvents(3));
      await eventually(
        () => deliveredPositions(batches).includes(later.lastPosition),
        'C3: the new events arrived',
      );
      controller.abort();
      await following;
      expectFaithful(batches, await s.getAllEvents(), 0n, {});
    },
  },
  {
    name: 'a consumer that stops pulling holds one batch: through never runs ahead of what it was given',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', newEvents(10));
      const iterator = s.subscribe({ batchSize: 2, live: false })[Symbol.asyncIterator]();
      let first = await iterator.next();
      // A batch that only reports a stall (C11: another session's transaction holds the horizon on a
      // shared server) carries nothing: the first batch with events is the one this test is about.
      while (!first.done && first.value.events.length === 0 && first.value.stalledBy !== undefined) {
        first = await iterator.next();
      }
      expect(first.done).toBe(false);
      const batch = first.value as EventBatch;
      expect(batch.events).toHaveLength(2);
      expect(batch.through, 'C2/C4: a full batch does not claim positions it did not hand over').toBe(
        batch.events[1]!.position,
      );
      expect(batch.caughtUp).toBe(false);
      await iterator.return?.();
    },
  },
  {
    name: 'aborting the signal or breaking out ends the subscription without error',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', newEvents(3));
      const controller = new AbortController();
      let count = 0;
      const waiting = (async () => {
        for await (const batch of s.subscribe({ signal: controller.signal })) count += batch.events.length;
        return count;
      })();
      // Abort once it is live and waiting (not after a fixed time: a loaded server may take longer).
      await eventually(() => count === 3, 'the subscription delivered the three events');
      controller.abort();
      await expect(waiting, 'C5: an aborted live subscription ends quietly').resolves.toBe(3);
      for await (const batch of s.subscribe({ batchSize: 1 })) {
        expect(batch.events).toHaveLength(1);
        break;
      }
      const aborted = new AbortController();
      aborted.abort();
      expect(
        await catchUp(s, { signal: aborted.signal }),
        'an already-aborted signal yields nothing',
      ).toEqual([]);
    },
  },
  {
    name: 'closing the store ends its live subscriptions without error',
    requires,
    async run({ openStore }) {
      const s = subscribable(await openStore());
      await s.append(ledger('a'), 'any', newEvents(1));
      let caughtUp = false;
      const following = (async () => {
        for await (const batch of s.subscribe()) if (batch.caughtUp) caughtUp = true;
      })();
      await eventually(() => caughtUp, 'the subscription caught up');
      await s.close();
      await expect(following, 'C5: closing the store ends the subscription quietly').resolves.toBeUndefined();
    },
  },
  {
    name: 'bad options throw InvalidArgumentError before anything is read',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const bad: unknown[] = [
        { from: -1n },
        { from: 1 },
        { from: 'middle' },
        { batchSize: 0 },
        { batchSize: 1.5 },
        { batchSize: '10' },
        { live: 'yes' },
        { signal: {} },
        { fromPosition: 1n },
        { filter: { eventType: ['Typo'] } },
        { filter: { eventTypes: 'Deposited' } },
        { filter: { aggregateTypes: [''] } },
        { filter: [] },
        'start',
      ];
      for (const options of bad) {
        const error = await thrownBy(async () => {
          for await (const _ of s.subscribe(options as never)) break;
        });
        expect(
          isInvalidArgumentError(error),
          `subscribe(${String(JSON.stringify(options, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))}) throws InvalidArgumentError`,
        ).toBe(true);
      }
    },
  },
  {
    name: 'a lower position that commits late is delivered in order, never skipped; a rolled-back one never appears',
    requires: ['subscriptions', 'outOfOrderCommits'],
    async run({ store, appendInOpenTransaction }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', newEvents(1));
      const late = await appendInOpenTransaction!(s, ledger('late'), [newEvent('Late')]);
      const doomed = await appendInOpenTransaction!(s, ledger('doomed'), [newEvent('Doomed')]);
      const high = await s.append(ledger('b'), 'any', newEvents(2));
      const controller = new AbortController();
      const batches: EventBatch[] = [];
      const following = (async () => {
        for await (const batch of s.subscribe({ signal: controller.signal })) batches.push(batch);
      })();
      try {
        await eventually(() => batches.length > 0, 'the subscription read while two transactions were open');
        // Give it a few more reads (wake-ups, polls) with both still open.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(
          deliveredPositions(batches).filter((p) => p >= high.firstPosition),
          'C1: nothing above a position that may still commit is delivered before it settles',
        ).toEqual([]);
        await doomed.rollback();
        await late.commit();
        await eventually(
          () => deliveredPositions(batches).includes(high.lastPosition),
          'the events after the late commit arrived',
        );
      } finally {
        controller.abort();
        await following;
        // Whatever the outcome, no transaction is left open (it would hold every reader back).
        await doomed.rollback();
        await late.commit();
      }
      const log = await s.getAllEvents();
      expect(log.map((e) => e.eventType)).not.toContain('Doomed');
      expect(log.map((e) => e.eventType)).toContain('Late');
      expectFaithful(batches, log, 0n, {});
    },
  },
  {
    name: 'property: random appends and subscribers at random positions with random filters see exactly the model',
    requires,
    timeout: 120_000 + propertyRuns() * 3_000,
    async run({ store, capabilities, appendInOpenTransaction }) {
      const s = subscribable(store);
      let run = 0;
      const types = ['Opened', 'Deposited', 'Closed'] as const;
      // Where positions can commit out of order, some appends run in transactions held open across
      // later operations, then commit late or roll back: the model (the log once every transaction
      // settled) says exactly what each subscriber must have seen.
      const lateArbs = capabilities.outOfOrderCommits
        ? [
            fc.record({
              kind: fc.constant('begin' as const),
              aggregate: fc.integer({ min: 0, max: 1 }),
              types: fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 2 }),
            }),
            fc.record({
              kind: fc.constant('settle' as const),
              pick: fc.nat(),
              commit: fc.boolean(),
            }),
          ]
        : [];
      const opArb = fc.oneof(
        fc.record({
          kind: fc.constant('append' as const),
          aggregate: fc.integer({ min: 0, max: 1 }),
          types: fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 3 }),
        }),
        fc.record({
          kind: fc.constant('subscribe' as const),
          back: fc.integer({ min: 0, max: 6 }),
          eventTypes: fc.option(fc.subarray([...types]), { nil: undefined }),
          aggregate: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
          batchSize: fc.integer({ min: 1, max: 4 }),
        }),
        ...lateArbs,
      );
      await assertProperty(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
          const ns = `Sub${++run}x${Math.random().toString(36).slice(2, 6)}`;
          const aggregateTypes = [`${ns}A`, `${ns}B`];
          const positions: bigint[] = [(await s.getAllEvents()).at(-1)?.position ?? 0n];
          const runStart = positions[0]!;
          const controller = new AbortController();
          const subscribers: {
            from: bigint;
            filter: EventFilter;
            batches: EventBatch[];
            done: Promise<void>;
          }[] = [];
          const open: { settle: (commit: boolean) => Promise<void> }[] = [];
          let opened = 0;
          const openAppend = async (stream: StreamRef, eventTypes: readonly string[]) => {
            const pending = await appendInOpenTransaction!(
              s,
              stream,
              eventTypes.map((t) => newEvent(t)),
            );
            open.push({ settle: (commit) => (commit ? pending.commit() : pending.rollback()) });
          };
          try {
            for (const op of ops) {
              if (op.kind === 'begin') {
                // A stream of its own: two open appends to one stream would wait for each other's lock.
                await openAppend(ledger(`late-${++opened}`, aggregateTypes[op.aggregate]), op.types);
                continue;
              }
              if (op.kind === 'settle') {
                if (open.length > 0) await open.splice(op.pick % open.length, 1)[0]!.settle(op.commit);
                continue;
              }
              if (op.kind === 'append') {
                const result = await s.append(
                  ledger('s', aggregateTypes[op.aggregate]),
                  'any',
                  op.types.map((t) => newEvent(t)),
                );
                positions.push(result.lastPosition);
                continue;
              }
              const from = positions[Math.max(0, positions.length - 1 - op.back)]!;
              const filter: EventFilter = {
                aggregateTypes: op.aggregate === undefined ? aggregateTypes : [aggregateTypes[op.aggregate]!],
                ...(op.eventTypes !== undefined && { eventTypes: op.eventTypes }),
              };
              const batches: EventBatch[] = [];
              const done = (async () => {
                for await (const batch of s.subscribe({
                  from,
                  filter,
                  batchSize: op.batchSize,
                  signal: controller.signal,
                }))
                  batches.push(batch);
              })();
              subscribers.push({ from, filter, batches, done });
            }
            // Whatever is still open commits (a late commit below every subscriber's position so far).
            for (const pending of open.splice(0)) await pending.settle(true);
            const head = (await s.getAllEvents()).at(-1)?.position ?? 0n;
            await eventually(
              () => subscribers.every((sub) => (sub.batches.at(-1)?.through ?? -1n) >= head),
              'every subscriber reached the head',
            );
            controller.abort();
            await Promise.all(subscribers.map((sub) => sub.done));
            const log = (await s.getAllEvents()).filter((e) => e.position > runStart);
            for (const sub of subscribers) expectFaithful(sub.batches, log, sub.from, sub.filter);
          } finally {
            // A failed run leaves nothing open: an open transaction would hold every later reader back.
            for (const pending of open.splice(0)) await pending.settle(false);
            controller.abort();
          }
        }),
        'subscriptions property',
      );
    },
  },
]);
