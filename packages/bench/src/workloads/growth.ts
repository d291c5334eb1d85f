import { makeEvents } from '../payload';
import { median, perSecond } from '../stats';
import type { Subject, SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { runChild } from './memory';
import { verifyAccount } from './reads';
import { seedStream } from './seed';
import { type Metrics, type RoundContext, verify, type Workload } from './workload';

/** Replays timed at each level; the figure is their median. */
const REPLAYS_PER_LEVEL = 3;

/** A W8 metric at one level: `appendEventsPerSec@1000000`. */
export function growthMetric(name: string, level: number): string {
  return `${name}@${level}`;
}

/** Seeds `subject` from `from` to `to` stored events in streams of two big appends each. */
async function seedTo(subject: Subject, from: number, to: number, batch: number): Promise<void> {
  const streamLength = batch * 2;
  for (let done = from; done < to; ) {
    const length = Math.min(streamLength, to - done);
    await seedStream(subject, `seed-${done}`, length, batch);
    done += length;
  }
}

/**
 * W8: the cost of a growing log. One store per target, seeded up to each level in turn (0, then
 * e.g. 1M and 10M events) through the subject's own big appends — the adapter's append path,
 * not a side door. At each level: the rate of appends of `growthAppendBatch` events to new
 * streams; a replay of one stream written first (so it ages with the log); a read-all of the
 * whole store in a child process (rate and RSS, as W7); the bytes the storage takes, and bytes per
 * stored event (growth over the empty store with its schema). Every result is verified.
 */
export const logGrowth: Workload<null> = {
  id: WORKLOAD.logGrowth,
  title: 'cost as the log grows (append, replay, read-all, bytes per event)',
  interleaved: false,
  oneRound: true,
  // The in-memory store has no disk and cannot be reopened by the read-all child.
  appliesTo: (factory: SubjectFactory) => factory.driver !== 'memory',
  prepare: async () => null,
  async round(factory, _prepared, { scale, storage, label }: RoundContext): Promise<Metrics> {
    const metrics: Metrics = {};
    const subject = await factory.open();
    try {
      const emptyBytes = await factory.storageBytes(subject.location);
      await seedStream(subject, 'replay', scale.growthReplayEvents, scale.growthReplayEvents);
      let stored = scale.growthReplayEvents;
      let seeded = 0;
      for (const level of scale.growthLevels) {
        const at = (name: string) => growthMetric(name, level);
        const t0 = performance.now();
        await seedTo(subject, seeded, level, scale.w7SeedBatch);
        if (level > seeded)
          metrics[at('seedEventsPerSec')] = perSecond(level - seeded, performance.now() - t0);
        stored += level - seeded;
        seeded = level;

        const t1 = performance.now();
        for (let i = 0; i < scale.growthAppends; i++) {
          const stream = `${label}-${level}-${i}`;
          await subject.append(stream, 0, makeEvents(stream, 0, scale.growthAppendBatch));
        }
        metrics[at('appendEventsPerSec')] = perSecond(
          scale.growthAppends * scale.growthAppendBatch,
          performance.now() - t1,
        );
        stored += scale.growthAppends * scale.growthAppendBatch;
        for (const i of [0, scale.growthAppends - 1]) {
          const version = await subject.streamVersion(`${label}-${level}-${i}`);
          verify(version === scale.growthAppendBatch, `W8 stream ${i} at ${level} is at version ${version}`);
        }

        const replayMs: number[] = [];
        for (let r = 0; r < REPLAYS_PER_LEVEL; r++) {
          const t2 = performance.now();
          const account = await subject.loadAccount('replay');
          replayMs.push(performance.now() - t2);
          verifyAccount(account, 'replay', scale.growthReplayEvents);
        }
        metrics[at('replayEventsPerSec')] = perSecond(scale.growthReplayEvents, median(replayMs));

        const child = await runChild([
          factory.name,
          subject.location,
          String(stored),
          String(scale.readAllBatchSize),
          String(scale.w7SeedBatch),
          storage.dataDir,
          storage.postgresUrl,
        ]);
        verify(
          child.events === stored,
          `W8 read-all at ${level} read ${child.events} events, expected ${stored}`,
        );
        metrics[at('readAllEventsPerSec')] = perSecond(child.events, child.readMs);
        metrics[at('peakRssMb')] = child.peakRssMb;
        metrics[at('rssGrowthMb')] = child.rssDuringReadMb - child.rssBeforeReadMb;

        const bytes = await factory.storageBytes(subject.location);
        metrics[at('storageMb')] = bytes / 1024 / 1024;
        metrics[at('bytesPerEvent')] = (bytes - emptyBytes) / stored;
      }
    } finally {
      await subject.close();
    }
    return metrics;
  },
  finish: async () => {},
};
