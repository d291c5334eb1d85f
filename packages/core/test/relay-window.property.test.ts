/**
 * The relay's publish pipeline against a model of a JetStream-like broker, under random faults: a
 * message lost on the way (the later ones still arrive), an ack lost after the message was stored,
 * random ack delays. The broker drops a repeated message id and refuses a message whose named
 * predecessor is not the last one it stored. Batches are pushed as the processor pushes them (the
 * next once the previous is sent, so they overlap in the window); the pipeline retries from the first
 * unconfirmed message by itself. Every event must end up stored exactly once, in order, with never
 * more than `window` in flight — and every completion reported must be covered by what the broker
 * stored (never ahead), in increasing order, ending at the last batch's `through`.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { DomainEvent } from '../src/index';
import { createPublishPipeline, type WindowCounters } from '../src/relay/publish-pipeline';
import type { RelayMessage } from '../src/relay/relay-contract';
import { assertProperty } from './support/property';

type Fault = 'none' | 'lost' | 'ack-lost';

const event = (n: number): DomainEvent => ({
  eventId: `e-${n}`,
  aggregateType: 'Account',
  aggregateId: `a-${n % 3}`,
  eventType: 'Deposited',
  eventData: { n },
  schemaVersion: 1,
  version: Math.floor(n / 3) + 1,
  position: BigInt(n + 1),
  occurredAt: new Date(0),
});

/** A broker that stores in arrival order, deduplicates ids and checks the named predecessor. */
function modelBroker(faults: readonly Fault[], delays: readonly number[]) {
  const stored: string[] = [];
  let sends = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    stored,
    maxInFlight: () => maxInFlight,
    async publish(message: RelayMessage): Promise<void> {
      const fault = faults[sends] ?? 'none';
      const delay = delays[sends % Math.max(1, delays.length)] ?? 0;
      sends++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Arrival happens in send order (one connection); a lost message never arrives.
      let outcome: 'ok' | 'refused' = 'ok';
      if (fault !== 'lost') {
        if (stored.includes(message.messageId)) outcome = 'ok';
        else if (message.previousMessageId !== undefined && stored.at(-1) !== message.previousMessageId)
          outcome = 'refused';
        else stored.push(message.messageId);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight--;
      if (fault === 'lost') throw new Error('timeout: no ack');
      if (fault === 'ack-lost') throw new Error('connection lost before the ack');
      if (outcome === 'refused') throw new Error('wrong last msg ID');
    },
  };
}

it('stores every event once and in order under lost messages, lost acks and random ack delays', async () => {
  await assertProperty(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 8 }),
      fc
        .array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 10 })
        .filter((sizes) => sizes.some((size) => size > 0)),
      fc.array(fc.constantFrom<Fault>('none', 'none', 'none', 'lost', 'ack-lost'), { maxLength: 80 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 10 }),
      async (count, window, batchSizes, faults, delays) => {
        const events = Array.from({ length: count }, (_, n) => event(n));
        const broker = modelBroker(faults, delays);
        const counters: WindowCounters = { inFlight: 0, confirmed: 0 };
        const completed: bigint[] = [];
        const pipeline = createPublishPipeline({
          window,
          baseDelayMs: 0,
          maxDelayMs: 0,
          checkpointIntervalMs: 0,
          publish: (m) => broker.publish(m),
          completed(position) {
            // Never ahead: every event at or before it is stored.
            const storedUpTo = broker.stored.length;
            expect(events.filter((e) => e.position <= position).length).toBeLessThanOrEqual(storedUpTo);
            completed.push(position);
          },
          failed: () => undefined,
          counters,
        });
        // Batches as the processor hands them (sizes cycle; empty ones are filtered-out ranges).
        let last: Promise<void> = Promise.resolve();
        let through = 0n;
        for (let from = 0, b = 0; from < count; b++) {
          const size = batchSizes[b % batchSizes.length]!;
          const batch = events.slice(from, from + size);
          from += size;
          through = from >= count ? BigInt(count) : (batch.at(-1)?.position ?? through);
          const pushed = pipeline.push({ events: batch, through, caughtUp: from >= count });
          last = pushed.confirmed;
          await pushed.sent;
        }
        await last;
        await pipeline.close();
        expect(broker.stored).toEqual(events.map((e) => e.eventId));
        expect(broker.maxInFlight()).toBeLessThanOrEqual(window);
        expect(counters.inFlight).toBe(0);
        expect(completed).toEqual([...completed].sort((a, b) => (a < b ? -1 : 1)));
        expect(new Set(completed).size).toBe(completed.length);
        expect(completed.at(-1)).toBe(BigInt(count));
      },
    ),
    'relay pipeline under broker faults',
    60,
  );
});
