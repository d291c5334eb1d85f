import type { BenchReport } from '../run';
import type { Driver } from '../subject';
import { CATCH_UP_TARGET, LIVE_LATENCY_LIMITS_MS, SLOW_CONSUMER_RSS_LIMIT_MB } from '../targets';
import { WORKLOAD } from '../workload-ids';
import { LIVE_WRITERS, liveMetric } from '../workloads/live-delivery';
import type { Row, TargetCheck } from './table';

/** The table's lines for the consuming workloads (issue 13): W9 catch-up, W10 latency, W11 memory. */
export const CONSUMING_ROWS: readonly Row[] = [
  {
    workload: WORKLOAD.subscriptionCatchUp,
    label: 'W9 subscription catch-up',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
  },
  {
    workload: WORKLOAD.subscriptionCatchUp,
    label: 'W9 read-all, same round',
    metric: 'readAllEventsPerSec',
    unit: 'ev/s',
    better: 'higher',
  },
  {
    workload: WORKLOAD.subscriptionCatchUp,
    label: 'W9 catch-up / read-all',
    metric: 'catchUpVsReadAll',
    unit: 'x',
  },
  {
    workload: WORKLOAD.subscriptionCatchUp,
    label: 'W9 processor catch-up, no-op handler',
    metric: 'processorEventsPerSec',
    unit: 'ev/s',
    better: 'higher',
  },
  ...LIVE_WRITERS.flatMap((writers) =>
    (['p50Ms', 'p99Ms', 'appendP50Ms', 'appendP99Ms'] as const).map(
      (metric): Row => ({
        workload: WORKLOAD.liveDelivery,
        label: `W10 ${metric.startsWith('append') ? 'the append alone' : 'append→handler'} ${metric.replace('append', '').slice(0, 3).toLowerCase()}, ${writers} writer${writers === 1 ? '' : 's'}`,
        metric: liveMetric(metric, writers),
        unit: 'ms',
        better: 'lower',
      }),
    ),
  ),
  {
    workload: WORKLOAD.slowConsumerMemory,
    label: 'W11 RSS growth, slow processor',
    metric: 'rssGrowthMb',
    unit: 'MB',
  },
  {
    workload: WORKLOAD.slowConsumerMemory,
    label: 'W11 slow processor',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
  },
];

/**
 * Issue 13's targets for every adapter that ran the consuming workloads: W9 catch-up at least
 * {@link CATCH_UP_TARGET} of its own read-all, W10 latencies within {@link LIVE_LATENCY_LIMITS_MS}
 * for each writer count, W11 RSS growth within {@link SLOW_CONSUMER_RSS_LIMIT_MB}.
 */
export function checkConsuming(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (
    driver: Driver,
    workload: TargetCheck['workload'],
    description: string,
    actual: number | undefined,
    met: (a: number) => boolean,
  ) => {
    if (actual !== undefined) checks.push({ driver, workload, description, actual, met: met(actual) });
  };
  for (const workload of report.workloads) {
    for (const result of workload.targets) {
      const { target, driver, median } = result;
      if (result.error !== undefined) continue;
      switch (workload.id) {
        case WORKLOAD.subscriptionCatchUp:
          check(
            driver,
            workload.id,
            `${target} catch-up / read-all >= ${CATCH_UP_TARGET}x`,
            median.catchUpVsReadAll,
            (a) => a >= CATCH_UP_TARGET,
          );
          break;
        case WORKLOAD.liveDelivery: {
          const limits = LIVE_LATENCY_LIMITS_MS[driver];
          for (const writers of LIVE_WRITERS) {
            const p50 = liveMetric('p50Ms', writers);
            const p99 = liveMetric('p99Ms', writers);
            if (limits === undefined) continue;
            check(
              driver,
              workload.id,
              `${target} p50 < ${limits.p50} ms, ${writers} writer(s)`,
              median[p50],
              (a) => a < limits.p50,
            );
            const p99Limit = limits.p99;
            if (p99Limit !== undefined)
              check(
                driver,
                workload.id,
                `${target} p99 < ${p99Limit} ms, ${writers} writer(s)`,
                median[p99],
                (a) => a < p99Limit,
              );
          }
          break;
        }
        case WORKLOAD.slowConsumerMemory:
          check(
            driver,
            workload.id,
            `${target} RSS growth <= ${SLOW_CONSUMER_RSS_LIMIT_MB} MB`,
            median.rssGrowthMb,
            (a) => a <= SLOW_CONSUMER_RSS_LIMIT_MB,
          );
          break;
      }
    }
  }
  return checks;
}
