import { eventKey, expectedBalance } from '../payload';
import type { Scale } from '../scale';
import { median, perSecond } from '../stats';
import type { AccountState, Subject, SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { seedStream } from './seed';
import { type Metrics, verify, type Workload } from './workload';

/** Appends per seeding call: large, so seeding is quick, within every adapter's limits. */
const SEED_BATCH = 1000;

interface W5Prepared {
  readonly subject: Subject;
  readonly events: number;
}

/** Throws unless the loaded account folded exactly the `events` deposits seeded into it. */
export function verifyAccount(state: AccountState, id: string, events: number): void {
  verify(state.version === events, `W5 ${id} loaded at version ${state.version}, expected ${events}`);
  verify(state.deposits === events, `W5 ${id} folded ${state.deposits} deposits, expected ${events}`);
  verify(state.balance === expectedBalance(events), `W5 ${id} has balance ${state.balance}`);
}

/**
 * W5: loading an aggregate of `w5Events` events, by full replay (stream `replay`, never snapshotted)
 * and from a snapshot taken `w5Tail` events before the end (stream `snap`, same events). Adapters
 * load through core's `Repository` and `AggregateRoot`; raw baselines fold by hand.
 */
export const aggregateLoad: Workload<W5Prepared> = {
  id: WORKLOAD.aggregateLoad,
  title: 'aggregate load: full replay and from a snapshot',
  interleaved: true,
  async prepare(factory: SubjectFactory, scale) {
    const subject = await factory.open();
    const events = scale.w5Events;
    await seedStream(subject, 'replay', events, SEED_BATCH);
    await seedStream(subject, 'snap', events - scale.w5Tail, SEED_BATCH);
    const atSnapshot = await subject.loadAccount('snap');
    verifyAccount(atSnapshot, 'snap', events - scale.w5Tail);
    await subject.saveAccountSnapshot(atSnapshot);
    await seedStream(subject, 'snap', scale.w5Tail, SEED_BATCH, events - scale.w5Tail);
    return { subject, events };
  },
  async round(_factory, { subject, events }, { scale }): Promise<Metrics> {
    const replayMs: number[] = [];
    const snapshotMs: number[] = [];
    for (let i = 0; i < scale.w5LoadsPerRound; i++) {
      let t0 = performance.now();
      const replayed = await subject.loadAccount('replay');
      replayMs.push(performance.now() - t0);
      t0 = performance.now();
      const restored = await subject.loadAccount('snap');
      snapshotMs.push(performance.now() - t0);
      verifyAccount(replayed, 'replay', events);
      verifyAccount(restored, 'snap', events);
    }
    const replay = median(replayMs);
    const snapshot = median(snapshotMs);
    return {
      replayEventsPerSec: perSecond(events, replay),
      replayMs: replay,
      snapshotMs: snapshot,
      snapshotSpeedup: replay / snapshot,
    };
  },
  finish: ({ subject }) => subject.close(),
};

/**
 * Seeds the W6 log — `w6Events` events in streams of `w6StreamLength`, one append per stream — and
 * returns every event's key ({@link eventKey}), read back per stream. W9 follows the same log.
 */
export async function seedReadAllLog(subject: Subject, scale: Scale): Promise<Set<string>> {
  const streams = Math.ceil(scale.w6Events / scale.w6StreamLength);
  for (let s = 0; s < streams; s++) {
    const length = Math.min(scale.w6StreamLength, scale.w6Events - s * scale.w6StreamLength);
    await seedStream(subject, `all-${s}`, length, length);
  }
  const ids = new Set<string>();
  for (let s = 0; s < streams; s++) {
    for (const event of await subject.readStream(`all-${s}`)) ids.add(eventKey(event));
  }
  verify(ids.size === scale.w6Events, `W6 seeded ${ids.size} distinct events, expected ${scale.w6Events}`);
  return ids;
}

interface W6Prepared {
  readonly subject: Subject;
  readonly ids: ReadonlySet<string>;
}

/**
 * W6: reads the whole store with read-all in pages of `readAllBatchSize`, checking that positions
 * increase and that every seeded event is read exactly once.
 */
export const readAll: Workload<W6Prepared> = {
  id: WORKLOAD.readAll,
  title: 'read-all of the whole store in pages',
  interleaved: true,
  async prepare(factory, scale) {
    const subject = await factory.open();
    return { subject, ids: await seedReadAllLog(subject, scale) };
  },
  async round(_factory, { subject, ids }, { scale }): Promise<Metrics> {
    const seen: string[] = [];
    let last = -1n;
    let ordered = true;
    const t0 = performance.now();
    for await (const event of subject.readAll(scale.readAllBatchSize)) {
      if (event.position <= last) ordered = false;
      last = event.position;
      seen.push(eventKey(event));
    }
    const elapsed = performance.now() - t0;
    verify(ordered, 'W6 read-all returned positions out of order');
    verify(seen.length === ids.size, `W6 read ${seen.length} events, expected ${ids.size}`);
    const distinct = new Set(seen);
    verify(distinct.size === seen.length, 'W6 read an event twice');
    for (const id of seen) verify(ids.has(id), `W6 read an event that was never written: ${id}`);
    return { eventsPerSec: perSecond(seen.length, elapsed) };
  },
  finish: ({ subject }) => subject.close(),
};
