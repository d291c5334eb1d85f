import type { BenchReport } from '../run';
import { STREAM_PAGE_LIMIT_MS, VERIFY_TARGET } from '../targets';
import { WORKLOAD } from '../workload-ids';
import type { Row, TargetCheck } from './table';

/**
 * The table's lines for the round-2 workloads: the projections (issue 14), the relays (issue 15) and
 * the inspection. W12–W15's raw column is their own hand-written baseline on the same driver, so
 * their headline rows get an adapter/raw ratio and a ratio target like W1–W6.
 */
export const ROUND2_ROWS: readonly Row[] = [
  {
    workload: WORKLOAD.projectionCatchUp,
    label: 'W12 projection catch-up',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  {
    workload: WORKLOAD.projectionRebuild,
    label: 'W13 projection rebuild',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  ...(
    [
      [WORKLOAD.natsRelay, 'W14 NATS relay', 'append→consumer'],
      [WORKLOAD.rabbitMqRelay, 'W15 RabbitMQ relay', 'append→delivery'],
    ] as const
  ).flatMap(([workload, relay, path]): Row[] => [
    {
      workload,
      label: `${relay}, a stored backlog`,
      metric: 'eventsPerSec',
      unit: 'ev/s',
      better: 'higher',
      headline: true,
    },
    { workload, label: `${relay} ${path} p50`, metric: 'p50Ms', unit: 'ms' },
    { workload, label: `${relay} ${path} p99`, metric: 'p99Ms', unit: 'ms' },
  ]),
  { workload: WORKLOAD.inspection, label: 'W16 verify', metric: 'verifyEventsPerSec', unit: 'ev/s' },
  {
    workload: WORKLOAD.inspection,
    label: 'W16 read-all, same run',
    metric: 'readAllEventsPerSec',
    unit: 'ev/s',
  },
  { workload: WORKLOAD.inspection, label: 'W16 verify / read-all', metric: 'verifyVsReadAll', unit: 'x' },
  {
    workload: WORKLOAD.inspection,
    label: 'W16 streams page p50, start',
    metric: 'pageStartP50Ms',
    unit: 'ms',
  },
  { workload: WORKLOAD.inspection, label: 'W16 streams page p50, end', metric: 'pageEndP50Ms', unit: 'ms' },
  { workload: WORKLOAD.inspection, label: 'W16 slowest streams page', metric: 'pageMaxMs', unit: 'ms' },
  { workload: WORKLOAD.inspection, label: 'W16 every streams page', metric: 'walkMs', unit: 'ms' },
  {
    workload: WORKLOAD.inspection,
    label: 'W16 heap growth, every page',
    metric: 'walkHeapGrowthMb',
    unit: 'MB',
  },
];

/**
 * The inspection's targets (W16) for every adapter that ran it: `verify` at least
 * {@link VERIFY_TARGET} of the same store's read-all, and every page of streams within
 * {@link STREAM_PAGE_LIMIT_MS}. (W12–W15's ratio targets are checked with W1–W6's.)
 */
export function checkRound2(report: BenchReport): TargetCheck[] {
  const inspection = report.workloads.find((w) => w.id === WORKLOAD.inspection);
  return (inspection?.targets ?? []).flatMap((result): TargetCheck[] => {
    const { verifyVsReadAll, pageMaxMs } = result.median;
    if (result.error !== undefined || verifyVsReadAll === undefined || pageMaxMs === undefined) return [];
    const check = (description: string, actual: number, met: boolean): TargetCheck => ({
      driver: result.driver,
      workload: WORKLOAD.inspection,
      description: `${result.target} ${description}`,
      actual,
      met,
    });
    return [
      check(`verify / read-all >= ${VERIFY_TARGET}x`, verifyVsReadAll, verifyVsReadAll >= VERIFY_TARGET),
      check(`slowest streams page < ${STREAM_PAGE_LIMIT_MS} ms`, pageMaxMs, pageMaxMs < STREAM_PAGE_LIMIT_MS),
    ];
  });
}
