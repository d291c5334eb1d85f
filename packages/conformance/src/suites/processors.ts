// Rules C6–C10 of docs/contract.md ("Consuming"), through `startProcessor` on the adapter: ordered
// handling, checkpoints, one active instance, failover, retries, parking, clean stops.
import {
  type DomainEvent,
  type EventStore,
  isCheckpointConflictError,
  isInvalidArgumentError,
  isProcessingTimeoutError,
  type ProcessorOptions,
  replayParked,
  type StreamRef,
  startProcessor,
} from '@chronicle/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { deferred, eventually, processorId, subscribable, thrownBy } from '../support/consuming';
import { newEvent, newEvents } from '../support/fixtures';
import { assertProperty, propertyRuns } from '../support/property-settings';
import { defineSuite } from '../test-definition';

const requires = ['subscriptions'] as const;
const ledger = (id: string): StreamRef => ({ aggregateType: 'Ledger', aggregateId: id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noRetry = { maxAttempts: 1, baseDelayMs: 0 };

export const processorsTests = defineSuite('processors', [
  {
    name: 'handles every event once in order, and whenProcessed resolves at the position',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const first = await s.append(ledger('a'), 'any', newEvents(5));
      const seen: bigint[] = [];
      const processor = startProcessor(s, {
        id: processorId('order'),
        batchSize: 2,
        handle: (e) => void seen.push(e.position),
      });
      await processor.whenProcessed(first.lastPosition);
      const later = await s.append(ledger('b'), 'any', newEvents(3));
      await processor.whenProcessed(later.lastPosition);
      expect(seen, 'every event, once, in order').toEqual((await s.getAllEvents()).map((e) => e.position));
      const status = processor.status();
      expect(status.checkpoint).toBe(later.lastPosition);
      expect(status.lag).toBe(0n);
      expect(status.state).toBe('live');
      await processor.stop();
      expect(processor.status().state).toBe('stopped');
      expect((await s.checkpoints.load(processor.id))?.position).toBe(later.lastPosition);
    },
  },
  {
    name: "a filtered processor's checkpoint reaches the head and its lag goes to 0",
    requires,
    async run({ store }) {
      const s = subscribable(store);
      await s.append(ledger('a'), 'any', [newEvent('Wanted'), ...newEvents(6, 'Unwanted')]);
      const head = (await s.getAllEvents()).at(-1)!.position;
      const seen: string[] = [];
      const processor = startProcessor(s, {
        id: processorId('filtered'),
        filter: { eventTypes: ['Wanted'] },
        batchSize: 2,
        handle: (e) => void seen.push(e.eventType),
      });
      await processor.whenProcessed(head);
      expect(seen).toEqual(['Wanted']);
      expect(processor.status().lag, 'C2: filtered-out events still advance the checkpoint').toBe(0n);
      await processor.stop();
    },
  },
  {
    name: 'a restarted processor resumes from its checkpoint; startFrom applies only when there is none',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const id = processorId('resume');
      const first = await s.append(ledger('a'), 'any', newEvents(3));
      const fresh: bigint[] = [];
      const fromEnd = startProcessor(s, { id, startFrom: 'end', handle: (e) => void fresh.push(e.position) });
      await fromEnd.whenProcessed(first.lastPosition);
      await fromEnd.stop();
      expect(fresh, "startFrom 'end' skips the history").toEqual([]);
      const second = await s.append(ledger('a'), 'any', newEvents(2));
      const resumed: bigint[] = [];
      const again = startProcessor(s, {
        id,
        startFrom: 'start',
        handle: (e) => void resumed.push(e.position),
      });
      await again.whenProcessed(second.lastPosition);
      await again.stop();
      expect(resumed, 'the checkpoint wins over startFrom').toEqual([
        second.firstPosition,
        second.lastPosition,
      ]);
    },
  },
  {
    name: 'a throwing handler is retried, then stops the processor with the error reported, a non-Error too',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const appended = await s.append(ledger('a'), 'any', [
        newEvent('Fine'),
        newEvent('Poison'),
        newEvent('Fine'),
      ]);
      const attempts: number[] = [];
      const processor = startProcessor(s, {
        id: processorId('fail'),
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
        handle(event, context) {
          if (event.eventType !== 'Poison') return;
          attempts.push(context.attempt);
          throw 'not an Error object';
        },
      });
      await eventually(() => processor.status().state === 'failed', 'the processor failed');
      expect(attempts, 'C9: retried per policy').toEqual([1, 2, 3]);
      const { lastError, checkpoint } = processor.status();
      expect(lastError, 'C9: a non-Error thrown is still reported').toBeInstanceOf(Error);
      expect(lastError?.message).toContain('not an Error object');
      expect(checkpoint, 'the checkpoint stops before the failing event').toBe(appended.firstPosition);
      const error = await thrownBy(() => processor.whenProcessed(appended.lastPosition, { timeoutMs: 50 }));
      expect(isProcessingTimeoutError(error), 'whenProcessed on a failed processor rejects, typed').toBe(
        true,
      );
      await processor.stop();
    },
  },
  {
    name: "onFailure 'park' stores the failing event with its error and goes on; replayParked handles it later",
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const appended = await s.append(ledger('a'), 'any', [
        newEvent('Fine'),
        newEvent('Poison'),
        newEvent('Fine'),
      ]);
      const poison = appended.firstPosition + 1n;
      const id = processorId('park');
      const handled: bigint[] = [];
      const processor = startProcessor(s, {
        id,
        onFailure: 'park',
        retry: noRetry,
        handle(event) {
          if (event.eventType === 'Poison') throw new Error('mail server down');
          handled.push(event.position);
        },
      });
      await processor.whenProcessed(appended.lastPosition);
      expect(handled).toEqual([appended.firstPosition, appended.lastPosition]);
      expect(processor.status().parked).toBe(1);
      const parked = await s.checkpoints.listParked(id);
      expect(parked.map((p) => [p.position, p.eventType, p.error])).toEqual([
        [poison, 'Poison', 'mail server down'],
      ]);
      await processor.stop();
      const replayedEvents: DomainEvent[] = [];
      const result = await replayParked(s, id, (event) => void replayedEvents.push(event));
      expect(result.replayed).toEqual([poison]);
      expect(replayedEvents.map((e) => e.position)).toEqual([poison]);
      expect(await s.checkpoints.listParked(id), 'a replayed event is no longer parked').toEqual([]);
    },
  },
  {
    name: 'whenProcessed rejects with ProcessingTimeoutError when the position is not reached in time',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const processor = startProcessor(s, { id: processorId('timeout'), handle: () => {} });
      const error = await thrownBy(() => processor.whenProcessed(1_000_000n, { timeoutMs: 30 }));
      expect(isProcessingTimeoutError(error), 'C10: a typed timeout').toBe(true);
      await processor.stop();
    },
  },
  {
    name: 'two instances with one id: one handles, the other stands by and takes over when it stops',
    requires,
    timeout: 60_000,
    async run({ store }) {
      const s = subscribable(store);
      const id = processorId('pair');
      const handledBy: string[] = [];
      let active = 0;
      let overlap = false;
      const options = (name: string): ProcessorOptions => ({
        id,
        leaseTtlMs: 300,
        async handle() {
          if (++active > 1) overlap = true;
          handledBy.push(name);
          await sleep(1);
          active--;
        },
      });
      const first = await s.append(ledger('a'), 'any', newEvents(3));
      const a = startProcessor(s, options('a'));
      await a.whenProcessed(first.lastPosition);
      const b = startProcessor(s, options('b'));
      await eventually(() => b.status().state === 'standby', 'the second instance stands by');
      await a.stop();
      const second = await s.append(ledger('a'), 'any', newEvents(2));
      await b.whenProcessed(second.lastPosition);
      expect(overlap, 'C7: never two handlers at once').toBe(false);
      expect(handledBy).toEqual(['a', 'a', 'a', 'b', 'b']);
      await b.stop();
    },
  },
  {
    name: 'a deposed instance cannot move the checkpoint: its save conflicts and it stops handling',
    requires,
    timeout: 60_000,
    async run({ store }) {
      const s = subscribable(store);
      const id = processorId('deposed');
      // This instance cannot renew (as if paused, or cut off from the database): its lease lapses
      // while an event is in hand, and another owner claims the id meanwhile.
      const stalled: EventStore = Object.create(s, {
        checkpoints: {
          value: {
            ...bind(s.checkpoints),
            renew: async () => {
              throw new Error('renewal cut off');
            },
          },
        },
      });
      const release = deferred();
      const handled: bigint[] = [];
      await s.append(ledger('a'), 'any', newEvents(2));
      const slow = startProcessor(stalled, {
        id,
        leaseTtlMs: 200,
        async handle(event) {
          handled.push(event.position);
          await release.promise;
        },
      });
      await eventually(() => handled.length === 1, 'the slow instance took the first event');
      const usurper = await claimWhenFree(s, id, 'usurper');
      release.resolve();
      await eventually(
        () => isCheckpointConflictError(slow.status().lastError),
        'the slow instance met the conflict',
      );
      expect(await s.checkpoints.load(id), 'C7: the deposed save wrote nothing').toBeUndefined();
      // It could not know before its save (the rest of its batch is at-least-once); after it, nothing.
      const handledWhenDeposed = handled.length;
      await sleep(100);
      expect(handled, 'C7: the deposed instance handles nothing more').toHaveLength(handledWhenDeposed);
      expect(slow.status().state).toBe('standby');
      await slow.stop();
      await s.checkpoints.release(usurper);
    },
  },
  {
    name: 'stop finishes the event in hand, saves the checkpoint and releases the lease',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const id = processorId('stop');
      const appended = await s.append(ledger('a'), 'any', newEvents(5));
      const started = deferred();
      const finish = deferred();
      const done: bigint[] = [];
      const processor = startProcessor(s, {
        id,
        async handle(event) {
          if (event.position === appended.firstPosition + 1n) {
            started.resolve();
            await finish.promise;
          }
          done.push(event.position);
        },
      });
      await started.promise;
      const stopping = processor.stop();
      await sleep(10);
      finish.resolve();
      await stopping;
      expect(done, 'the event in hand finished; no further one began').toEqual([
        appended.firstPosition,
        appended.firstPosition + 1n,
      ]);
      expect((await s.checkpoints.load(id))?.position, 'its checkpoint is saved').toBe(
        appended.firstPosition + 1n,
      );
      expect((await s.checkpoints.claim(id, 'someone-else', 1000))?.owner, 'the lease is released').toBe(
        'someone-else',
      );
    },
  },
  {
    name: 'closing the store under a running processor ends it cleanly',
    requires,
    async run({ openStore }) {
      const s = subscribable(await openStore());
      const appended = await s.append(ledger('a'), 'any', newEvents(2));
      const processor = startProcessor(s, { id: processorId('closed'), handle: () => {} });
      await processor.whenProcessed(appended.lastPosition);
      await s.close();
      await processor.stop();
      expect(processor.status().state, 'C5: a closed store stops its processors, it does not fail them').toBe(
        'stopped',
      );
    },
  },
  {
    name: 'bad options throw InvalidArgumentError before anything starts',
    requires,
    async run({ store }) {
      const s = subscribable(store);
      const handle = () => {};
      const bad: unknown[] = [
        { id: '', handle },
        { id: 'p' },
        { id: 'p', handle, leaseTtlMs: 0 },
        { id: 'p', handle, leaseTtlMs: -1 },
        { id: 'p', handle, batchSize: 0 },
        { id: 'p', handle, startFrom: -1n },
        { id: 'p', handle, onFailure: 'ignore' },
        { id: 'p', handle, retry: { maxAttempts: 0 } },
        { id: 'p', handle, retry: { attempts: 3 } },
        { id: 'p', handle, filter: { types: ['X'] } },
        { id: 'p', handle, unknown: true },
      ];
      for (const options of bad) {
        const error = await thrownBy(() => startProcessor(s, options as ProcessorOptions));
        expect(
          isInvalidArgumentError(error),
          `startProcessor(${JSON.stringify(options, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}) throws InvalidArgumentError`,
        ).toBe(true);
      }
      expect(await s.checkpoints.list(), 'nothing started, nothing written').toEqual([]);
    },
  },
  {
    name: 'property: processors stopped and restarted at random points handle every event, in order, from their checkpoint',
    requires,
    timeout: 120_000 + propertyRuns() * 4_000,
    async run({ store }) {
      const s = subscribable(store);
      let run = 0;
      const opArb = fc.oneof(
        fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 4 }) }),
        fc.record({ kind: fc.constant('restart' as const), wait: fc.integer({ min: 0, max: 3 }) }),
      );
      await assertProperty(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 10 }),
          fc.integer({ min: 1, max: 3 }),
          async (ops, batchSize) => {
            const ns = `Proc${++run}x${Math.random().toString(36).slice(2, 6)}`;
            const id = processorId(ns);
            const handled: bigint[] = [];
            const checkpoints: bigint[] = [];
            const options: ProcessorOptions = {
              id,
              batchSize,
              filter: { aggregateTypes: [ns] },
              handle: (e) => void handled.push(e.position),
            };
            let processor = startProcessor(s, options);
            for (const op of ops) {
              if (op.kind === 'append') {
                await s.append({ aggregateType: ns, aggregateId: 'x' }, 'any', newEvents(op.count));
              } else {
                await sleep(op.wait);
                await processor.stop();
                checkpoints.push((await s.checkpoints.load(id))?.position ?? 0n);
                processor = startProcessor(s, options);
              }
            }
            const head = (await s.getAllEvents()).at(-1)?.position ?? 0n;
            await processor.whenProcessed(head);
            await processor.stop();
            checkpoints.push((await s.checkpoints.load(id))?.position ?? 0n);
            const mine = (await s.getAllEvents())
              .filter((e) => e.aggregateType === ns)
              .map((e) => e.position);
            // At-least-once: a stop saves what was handled, so nothing repeats here and nothing is skipped.
            expect(handled, 'C8: every event handled once, in order, across restarts').toEqual(mine);
            expect(
              checkpoints.every((c, i) => i === 0 || c >= checkpoints[i - 1]!),
              'C6: the checkpoint never moves back',
            ).toBe(true);
          },
        ),
        'processors property',
      );
    },
  },
]);

/** `checkpoints` with every method bound, so it can be spread into a stand-in. */
function bind<T extends object>(target: T): T {
  const bound: Record<string, unknown> = {};
  for (const key of Object.keys(target) as (keyof T & string)[]) {
    const value = target[key];
    bound[key] = typeof value === 'function' ? value.bind(target) : value;
  }
  return bound as T;
}

/** Claims `id`'s lease for `owner` as soon as the current holder's lapses. */
async function claimWhenFree(s: EventStore, id: string, owner: string) {
  for (;;) {
    const lease = await s.checkpoints.claim(id, owner, 60_000);
    if (lease !== undefined) return lease;
    await sleep(5);
  }
}
