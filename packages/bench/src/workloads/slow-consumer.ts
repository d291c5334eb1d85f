import type { SlowConsumerChildReport } from '../slow-consumer-child';
import { perSecond } from '../stats';
import type { SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { isAdapter } from './consuming-subject';
import { benchScript, runReportingChild } from './reporting-child';
import { seedLargeLog } from './seed';
import { type Metrics, verify, type Workload } from './workload';

const CHILD = benchScript('slow-consumer-child.ts');

interface W11Prepared {
  /** What the child reopens; `memory` when the child seeds its own in-memory store. */
  readonly location: string;
}

/**
 * W11: a processor whose handler is slower than the store's reads works through a backlog of
 * `w11Events` (1M in the full run) in a fresh child process; the figure is how far its RSS rose
 * above where it started (C4: one batch in hand, never the backlog; target within 50 MB).
 */
export const slowConsumerMemory: Workload<W11Prepared> = {
  id: WORKLOAD.slowConsumerMemory,
  title: 'RSS of a slow processor over a large backlog (child process)',
  interleaved: false,
  oneRound: true,
  appliesTo: isAdapter,
  async prepare(factory: SubjectFactory, scale) {
    if (factory.driver === 'memory') return { location: 'memory' };
    const subject = await factory.open();
    try {
      await seedLargeLog(subject, scale.w11Events, scale.w7SeedBatch);
    } finally {
      await subject.close();
    }
    return { location: subject.location };
  },
  async round(factory, { location }, { scale, storage }): Promise<Metrics> {
    const report = await runReportingChild<SlowConsumerChildReport>(CHILD, [
      factory.name,
      location,
      String(scale.w11Events),
      String(scale.w7SeedBatch),
      String(scale.w11PauseEvery),
      String(scale.w11PauseMs),
      storage.dataDir,
      storage.postgresUrl,
    ]);
    verify(report.events === scale.w11Events, `W11 child handled ${report.events} events`);
    return {
      rssGrowthMb: report.rssPeakMb - report.rssStartMb,
      rssStartMb: report.rssStartMb,
      eventsPerSec: perSecond(report.events, report.consumeMs),
    };
  },
  finish: async () => {},
};
