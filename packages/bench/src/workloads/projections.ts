import {
  type ProjectionRoundResult,
  type ProjectionTarget,
  projectionPostgresTarget,
  projectionRound,
  projectionSqliteTarget,
} from '../projections/projection-bench';
import type { SubjectFactory } from '../subject';
import { WORKLOAD, type WorkloadId } from '../workload-ids';
import type { Metrics, Workload } from './workload';

/**
 * The bench's round, typed with the `analyze` flag it takes from pgproj's b2f36cd on (ANALYZE the
 * log after seeding, the statistics a log in use has): a version without it ignores the argument.
 */
const runRound: (
  target: ProjectionTarget,
  events: number,
  index: number,
  analyze: boolean,
) => Promise<ProjectionRoundResult> = projectionRound;

/** The projection workloads run on the SQLite and PostgreSQL adapters (the bench opens its own stores). */
const onAdapters = (factory: SubjectFactory): boolean =>
  factory.kind === 'adapter' && (factory.name === 'sqlite' || factory.name === 'postgres');

/**
 * A workload of the projection bench (`projections/projection-bench.ts`, issue 14). Every round
 * seeds a fresh store with `scale.projectionEvents` deposits over 100 accounts and runs that bench's
 * round — its hand-written projector on the same driver, the projection catch-up, the projector
 * again, the rebuild; each side verifies every balance — and keeps the half this workload reports.
 * W12 and W13 each run the whole round: simpler than sharing rounds across workloads, for about two
 * minutes more in the full run (100k events a round).
 */
function projectionWorkload(
  id: WorkloadId,
  title: string,
  pick: (result: ProjectionRoundResult) => { rate: number; baseline: number },
): Workload<undefined> {
  return {
    id,
    title,
    interleaved: true,
    appliesTo: onAdapters,
    pairedBaseline: { eventsPerSec: 'baselineEventsPerSec' },
    async prepare() {
      return undefined;
    },
    async round(factory, _prepared, { scale, storage }): Promise<Metrics> {
      // A target per round: its dispose removes the round's file or schema.
      const target: ProjectionTarget =
        factory.driver === 'postgres'
          ? projectionPostgresTarget(storage.postgresUrl)
          : projectionSqliteTarget();
      try {
        const { rate, baseline } = pick(await runRound(target, scale.projectionEvents, 0, true));
        return { eventsPerSec: rate, baselineEventsPerSec: baseline, vsBaseline: rate / baseline };
      } finally {
        await target.dispose();
      }
    },
    async finish() {},
  };
}

/** W12: `startProjection` catching up the log, against the hand-written projector. */
export const projectionCatchUp = projectionWorkload(
  WORKLOAD.projectionCatchUp,
  'projection catch-up vs a hand-written projector',
  (r) => ({ rate: r.asyncRate, baseline: r.asyncBaseline }),
);

/** W13: `rebuildProjection` of a new version beside the active one, against the hand-written projector. */
export const projectionRebuild = projectionWorkload(
  WORKLOAD.projectionRebuild,
  'projection rebuild vs a hand-written projector',
  (r) => ({ rate: r.rebuildRate, baseline: r.rebuildBaseline }),
);
