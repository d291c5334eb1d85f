import { type SubscribableEventStore, startProcessor } from '@chronicle/core';
import { eventKey } from '../payload';
import { perSecond } from '../stats';
import type { Subject } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { isAdapter, storeOf } from './consuming-subject';
import { seedReadAllLog } from './reads';
import { type Metrics, verify, type Workload } from './workload';

interface W9Prepared {
  readonly subject: Subject;
  readonly ids: ReadonlySet<string>;
  /** Rounds run so far: the two reads swap order every round, so neither always reads a warm cache. */
  rounds: number;
}

/**
 * Times one full pass; throws unless it saw every seeded event once, in position order. Resolves
 * with its rate and the last position it saw.
 */
async function timedPass(
  what: string,
  ids: ReadonlySet<string>,
  read: (see: (position: bigint, data: unknown) => void) => Promise<void>,
): Promise<{ rate: number; last: bigint }> {
  const seen = new Set<string>();
  let last = 0n;
  let ordered = true;
  const t0 = performance.now();
  await read((position, data) => {
    if (position <= last) ordered = false;
    last = position;
    seen.add(eventKey({ data }));
  });
  const elapsed = performance.now() - t0;
  verify(ordered, `W9 ${what} delivered positions out of order`);
  verify(seen.size === ids.size, `W9 ${what} delivered ${seen.size} distinct events, expected ${ids.size}`);
  return { rate: perSecond(ids.size, elapsed), last };
}

const readAllPass =
  (store: SubscribableEventStore, batchSize: number) => async (see: (p: bigint, d: unknown) => void) => {
    for await (const event of store.readAll({ batchSize })) see(event.position, event.eventData);
  };

const catchUpPass =
  (store: SubscribableEventStore, batchSize: number) => async (see: (p: bigint, d: unknown) => void) => {
    for await (const batch of store.subscribe({ from: 'start', live: false, batchSize })) {
      for (const event of batch.events) see(event.position, event.eventData);
    }
  };

/**
 * W9: a subscription catching up over the W6 log (`subscribe({ from: 'start', live: false })`),
 * against the same adapter's `readAll` in the same round, in pages of the same size — the target
 * is a ratio of at least 0.8. A processor with a no-op handler follows the same log too: the cost
 * of its lease and a checkpoint save per batch.
 */
export const subscriptionCatchUp: Workload<W9Prepared> = {
  id: WORKLOAD.subscriptionCatchUp,
  title: 'subscription catch-up over the W6 log vs read-all',
  interleaved: true,
  appliesTo: isAdapter,
  async prepare(factory, scale) {
    const subject = await factory.open();
    return { subject, ids: await seedReadAllLog(subject, scale), rounds: 0 };
  },
  async round(_factory, prepared, { scale, label }): Promise<Metrics> {
    const store = storeOf(prepared.subject);
    const batchSize = scale.readAllBatchSize;
    const passes = [
      () => timedPass('read-all', prepared.ids, readAllPass(store, batchSize)),
      () => timedPass('subscription', prepared.ids, catchUpPass(store, batchSize)),
    ];
    const swapped = prepared.rounds++ % 2 === 1;
    const [first, second] = swapped ? [passes[1]!, passes[0]!] : [passes[0]!, passes[1]!];
    const a = await first();
    const b = await second();
    const [readAll, catchUp] = swapped ? [b, a] : [a, b];

    const t0 = performance.now();
    let handled = 0;
    const processor = startProcessor(store, {
      id: `bench-${label}`,
      batchSize,
      handle: () => {
        handled++;
      },
    });
    try {
      await processor.whenProcessed(catchUp.last, { timeoutMs: 600_000 });
    } finally {
      await processor.stop();
    }
    const processorRate = perSecond(prepared.ids.size, performance.now() - t0);
    verify(
      handled === prepared.ids.size,
      `W9 processor handled ${handled} events, expected ${prepared.ids.size}`,
    );
    return {
      eventsPerSec: catchUp.rate,
      readAllEventsPerSec: readAll.rate,
      catchUpVsReadAll: catchUp.rate / readAll.rate,
      processorEventsPerSec: processorRate,
    };
  },
  finish: ({ subject }) => subject.close(),
};
