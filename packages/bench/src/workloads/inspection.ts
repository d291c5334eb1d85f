import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runInspectionBench } from '../inspection/inspection-bench';
import { WORKLOAD } from '../workload-ids';
import type { Metrics, Workload } from './workload';

/**
 * W16: what `chronicle streams`, the inspector and `chronicle verify` do on a large SQLite log
 * (`inspection/inspection-bench.ts`): it seeds `scale.inspectionStreams` streams of
 * `scale.inspectionEventsPerStream` events, then times pages of 50 streams at the start, middle and end
 * of the order, a walk over every page (heap watched), and `verify` against the adapter's `readAll`
 * in the same run. One round, as W7: seeding a million events is most of it.
 */
export const inspection: Workload<undefined> = {
  id: WORKLOAD.inspection,
  title: 'inspection: stream pages and verify vs read-all on a large SQLite log',
  interleaved: false,
  oneRound: true,
  appliesTo: (factory) => factory.name === 'sqlite',
  async prepare() {
    return undefined;
  },
  async round(_factory, _prepared, { scale, storage, label }): Promise<Metrics> {
    const dir = mkdtempSync(join(storage.dataDir, `${label}-`));
    try {
      const r = await runInspectionBench(
        dir,
        { streams: scale.inspectionStreams, eventsPerStream: scale.inspectionEventsPerStream },
        () => {},
      );
      return {
        verifyEventsPerSec: r.verifyPerSec,
        readAllEventsPerSec: r.readAllPerSec,
        verifyVsReadAll: r.verifyPerSec / r.readAllPerSec,
        pageStartP50Ms: r.streamPages.start.p50Ms,
        pageEndP50Ms: r.streamPages.end.p50Ms,
        pageMaxMs: Math.max(...Object.values(r.streamPages).map((p) => p.maxMs)),
        walkMs: r.fullWalk.ms,
        walkHeapGrowthMb: r.fullWalk.heapGrowthMiB,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  async finish() {},
};
