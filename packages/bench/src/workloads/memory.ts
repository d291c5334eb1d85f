import type { ReadAllMemoryChildReport } from '../read-all-memory-child';
import { perSecond } from '../stats';
import type { Subject, SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { benchScript, runReportingChild } from './reporting-child';
import { seedLargeLog } from './seed';
import { type Metrics, verify, type Workload } from './workload';

const CHILD = benchScript('read-all-memory-child.ts');

interface W7Prepared {
  /** What the child reopens; `memory` when the child seeds its own in-memory store. */
  readonly location: string;
  /** How fast the parent seeded the store; absent when the child seeds its own in-memory store. */
  readonly seedEventsPerSec: number | undefined;
}

/**
 * Runs the read-all child (see `read-all-memory-child.ts`) and returns its report; rejects with its
 * stderr when it fails. W8 uses it too, for its read-all rate and RSS at each level.
 */
export function runChild(args: readonly string[]): Promise<ReadAllMemoryChildReport> {
  return runReportingChild<ReadAllMemoryChildReport>(CHILD, args);
}

/**
 * W7: memory while `readAll` streams the whole store. The parent seeds the store in large appends
 * (the fastest path in), then a fresh child process opens it and reads every event, sampling its
 * RSS; its peak RSS is the figure. The in-memory store cannot be shared, so its child seeds itself
 * and its peak includes the store's own million events.
 */
export const readAllMemory: Workload<W7Prepared> = {
  id: WORKLOAD.readAllMemory,
  title: 'read-all memory (child process, peak RSS)',
  interleaved: false,
  oneRound: true,
  async prepare(factory: SubjectFactory, scale) {
    if (factory.driver === 'memory') return { location: 'memory', seedEventsPerSec: undefined };
    const subject: Subject = await factory.open();
    const t0 = performance.now();
    try {
      await seedLargeLog(subject, scale.w7Events, scale.w7SeedBatch);
    } finally {
      await subject.close();
    }
    return {
      location: subject.location,
      seedEventsPerSec: perSecond(scale.w7Events, performance.now() - t0),
    };
  },
  async round(factory, { location, seedEventsPerSec }, { scale, storage }): Promise<Metrics> {
    const report = await runChild([
      factory.name,
      location,
      String(scale.w7Events),
      String(scale.readAllBatchSize),
      String(scale.w7SeedBatch),
      storage.dataDir,
      storage.postgresUrl,
    ]);
    verify(report.events === scale.w7Events, `W7 child read ${report.events} events`);
    const metrics: Metrics = {
      peakRssMb: report.peakRssMb,
      rssBeforeReadMb: report.rssBeforeReadMb,
      rssGrowthMb: report.rssDuringReadMb - report.rssBeforeReadMb,
      readEventsPerSec: perSecond(report.events, report.readMs),
    };
    if (seedEventsPerSec !== undefined) metrics.seedEventsPerSec = seedEventsPerSec;
    return metrics;
  },
  finish: async () => {},
};
