import type { BenchReport, TargetResult } from '../run';
import { GROWTH_RATE_TARGET, GROWTH_RSS_LIMIT_MB } from '../targets';
import { WORKLOAD } from '../workload-ids';
import { emptyMetric, growthMetric } from '../workloads/growth';
import { formatValue, markdownTable, type TargetCheck } from './table';

/** The W8 figures in the order the table prints them, with their units. */
const COLUMNS = [
  { title: 'append (ev/s)', metric: 'appendEventsPerSec', unit: 'ev/s' },
  { title: 'replay (ev/s)', metric: 'replayEventsPerSec', unit: 'ev/s' },
  { title: 'read-all (ev/s)', metric: 'readAllEventsPerSec', unit: 'ev/s' },
  { title: 'read-all peak RSS (MB)', metric: 'peakRssMb', unit: 'MB' },
  { title: 'RSS growth (MB)', metric: 'rssGrowthMb', unit: 'MB' },
  { title: 'storage (MB)', metric: 'storageMb', unit: 'MB' },
  { title: 'bytes/event', metric: 'bytesPerEvent', unit: 'count' },
] as const;

/** The rates W8 compares with the empty store measured alongside (see {@link growthRatio}). */
const RATIOS = [
  { title: 'append / empty', metric: 'appendEventsPerSec' },
  { title: 'replay / empty', metric: 'replayEventsPerSec' },
  { title: 'fastest replay / empty', metric: 'bestReplayEventsPerSec' },
] as const;

/**
 * A level's rate over the empty store's: the empty store timed alongside at that level when the run
 * measured one, else (a report from before it did) level 0's figure; NaN when either is missing.
 */
function growthRatio(result: TargetResult, metric: string, level: number): number {
  const empty =
    result.median[growthMetric(emptyMetric(metric), level)] ?? result.median[growthMetric(metric, 0)];
  return (result.median[growthMetric(metric, level)] ?? Number.NaN) / (empty ?? Number.NaN);
}

/** A ratio as the table prints it: `0.93x`, or a dash when there is nothing to compare. */
function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '—';
}

/** The events already stored at each level W8 measured, from its metric names. */
function levelsOf(result: TargetResult): number[] {
  const levels = Object.keys(result.median)
    .filter((key) => key.startsWith('appendEventsPerSec@'))
    .map((key) => Number(key.split('@')[1]));
  return levels.sort((a, b) => a - b);
}

/** W8 as a Markdown table: one line per target and level; empty when W8 did not run. */
export function renderGrowthTable(report: BenchReport): string {
  const growth = report.workloads.find((w) => w.id === WORKLOAD.logGrowth);
  if (growth === undefined) return '';
  const header = [
    'W8 target',
    'events stored',
    ...COLUMNS.map((c) => c.title),
    ...RATIOS.map((r) => r.title),
  ];
  const lines: string[][] = [];
  for (const result of growth.targets) {
    if (result.error !== undefined) {
      lines.push([result.target, 'FAILED', ...COLUMNS.map(() => ''), ...RATIOS.map(() => '')]);
      continue;
    }
    for (const level of levelsOf(result)) {
      lines.push([
        result.target,
        level.toLocaleString('en-US'),
        ...COLUMNS.map((c) => formatValue(result.median[growthMetric(c.metric, level)], c.unit)),
        ...RATIOS.map((r) =>
          // Level 0 measured alone (the quick run) has no empty store beside it to compare with.
          level === 0 && result.median[growthMetric(emptyMetric(r.metric), 0)] === undefined
            ? '—'
            : formatRatio(growthRatio(result, r.metric, level)),
        ),
      ]);
    }
  }
  return markdownTable(header, lines);
}

/**
 * Issue 18's W8 targets for each adapter and baseline that ran it: at the largest level, append and
 * replay rates at least {@link GROWTH_RATE_TARGET} of the empty store's, and RSS growth while reading
 * within {@link GROWTH_RSS_LIMIT_MB}.
 */
export function checkGrowth(report: BenchReport): TargetCheck[] {
  const growth = report.workloads.find((w) => w.id === WORKLOAD.logGrowth);
  const checks: TargetCheck[] = [];
  for (const result of growth?.targets ?? []) {
    const levels = levelsOf(result);
    const top = levels.at(-1);
    // One level (the quick run) has nothing to grow from.
    if (result.error !== undefined || top === undefined || levels.length < 2) continue;
    const figure = (metric: string, level: number) => result.median[growthMetric(metric, level)]!;
    for (const [metric, what] of [
      ['appendEventsPerSec', 'append'],
      ['replayEventsPerSec', 'replay'],
    ] as const) {
      const ratio = growthRatio(result, metric, top);
      checks.push({
        driver: result.driver,
        workload: WORKLOAD.logGrowth,
        description: `${result.target} ${what} at ${top.toLocaleString('en-US')} events >= ${GROWTH_RATE_TARGET}x of empty`,
        actual: ratio,
        met: ratio >= GROWTH_RATE_TARGET,
      });
    }
    const rss = figure('rssGrowthMb', top);
    checks.push({
      driver: result.driver,
      workload: WORKLOAD.logGrowth,
      description: `${result.target} RSS growth reading ${top.toLocaleString('en-US')} events <= ${GROWTH_RSS_LIMIT_MB} MB`,
      actual: rss,
      met: rss <= GROWTH_RSS_LIMIT_MB,
    });
  }
  return checks;
}
