// Over 300 lines: most of it is ROWS, the declarative list of what the table prints.
import type { BenchReport, TargetResult, WorkloadResult } from '../run';
import type { Driver, TargetName } from '../subject';
import { FLOOR_TARGETS, PEAK_RSS_LIMIT_MB, RATIO_TARGETS, SNAPSHOT_SPEEDUP_TARGET } from '../targets';
import { WORKLOAD, type WorkloadId } from '../workload-ids';
import { CONSUMING_ROWS } from './consuming-report';
import { ROUND2_ROWS } from './round2-report';

export type Unit = 'ev/s' | 'ms' | 'MB' | 'x' | 'count';

/** One line of the table: a metric of a workload. */
export interface Row {
  readonly workload: WorkloadId;
  readonly label: string;
  readonly metric: string;
  readonly unit: Unit;
  /** How the adapter / raw ratio is formed: `higher` is better (a / r), `lower` is better (r / a). */
  readonly better?: 'higher' | 'lower';
  /** The workload's headline figure: the one its ratio target applies to. */
  readonly headline?: boolean;
}

const ROWS: readonly Row[] = [
  {
    workload: WORKLOAD.sequentialAppends,
    label: 'W1 sequential 1-event appends',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  {
    workload: WORKLOAD.sequentialAppends,
    label: 'W1 p50 latency',
    metric: 'p50Ms',
    unit: 'ms',
    better: 'lower',
  },
  {
    workload: WORKLOAD.sequentialAppends,
    label: 'W1 p99 latency',
    metric: 'p99Ms',
    unit: 'ms',
    better: 'lower',
  },
  {
    workload: WORKLOAD.batchedAppends,
    label: 'W2 100-event appends',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  {
    workload: WORKLOAD.concurrentWriters,
    label: 'W3 8 writers, own streams',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  {
    workload: WORKLOAD.contendedStream,
    label: 'W4 8 writers, one stream',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  { workload: WORKLOAD.contendedStream, label: 'W4 conflicts retried', metric: 'conflicts', unit: 'count' },
  {
    workload: WORKLOAD.aggregateLoad,
    label: 'W5 full replay',
    metric: 'replayEventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  {
    workload: WORKLOAD.aggregateLoad,
    label: 'W5 full replay',
    metric: 'replayMs',
    unit: 'ms',
    better: 'lower',
  },
  {
    workload: WORKLOAD.aggregateLoad,
    label: 'W5 load from snapshot',
    metric: 'snapshotMs',
    unit: 'ms',
    better: 'lower',
  },
  { workload: WORKLOAD.aggregateLoad, label: 'W5 snapshot speed-up', metric: 'snapshotSpeedup', unit: 'x' },
  {
    workload: WORKLOAD.readAll,
    label: 'W6 read-all in pages',
    metric: 'eventsPerSec',
    unit: 'ev/s',
    better: 'higher',
    headline: true,
  },
  { workload: WORKLOAD.readAllMemory, label: 'W7 peak RSS, read-all 1M', metric: 'peakRssMb', unit: 'MB' },
  {
    workload: WORKLOAD.readAllMemory,
    label: 'W7 RSS growth while reading',
    metric: 'rssGrowthMb',
    unit: 'MB',
  },
  {
    workload: WORKLOAD.readAllMemory,
    label: 'W7 read-all',
    metric: 'readEventsPerSec',
    unit: 'ev/s',
    better: 'higher',
  },
  {
    workload: WORKLOAD.readAllMemory,
    label: 'W7 bulk seed, big appends',
    metric: 'seedEventsPerSec',
    unit: 'ev/s',
    better: 'higher',
  },
  ...CONSUMING_ROWS,
  ...ROUND2_ROWS,
];

/** `12,345`, `3.21`, `0.84`: enough digits to compare, no more. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  // `null`: a NaN that went through JSON.
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return '∞';
  switch (unit) {
    case 'ev/s':
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'ms':
      return value < 10 ? value.toFixed(2) : value.toFixed(1);
    case 'MB':
      return value.toFixed(1);
    case 'x':
      return `${value.toFixed(1)}x`;
  }
}

const ADAPTERS: readonly { adapter: TargetName; raw?: TargetName; floor?: TargetName; driver: Driver }[] = [
  { adapter: 'memory', driver: 'memory' },
  { adapter: 'sqlite', raw: 'sqlite-raw', floor: 'sqlite-floor', driver: 'sqlite' },
  { adapter: 'postgres', raw: 'postgres-raw', floor: 'postgres-floor', driver: 'postgres' },
  // The same adapter with unnamed statements (as behind PgBouncer); compare it with `postgres`.
  { adapter: 'postgres-unnamed', driver: 'postgres' },
  // The adapters with the lean schema profile, against the same baselines.
  { adapter: 'sqlite-lean', raw: 'sqlite-raw', floor: 'sqlite-floor', driver: 'sqlite' },
  { adapter: 'postgres-lean', raw: 'postgres-raw', floor: 'postgres-floor', driver: 'postgres' },
];

/** Each adapter's baselines, with the targets its ratio to each is checked against. */
const BASELINES = [
  { kind: 'raw', targets: RATIO_TARGETS },
  { kind: 'floor', targets: FLOOR_TARGETS },
] as const;

function figure(
  workload: WorkloadResult | undefined,
  target: TargetName,
  metric: string,
): number | undefined {
  const result: TargetResult | undefined = workload?.targets.find((t) => t.target === target);
  return result?.median[metric];
}

/** adapter / raw, oriented so that above 1 means the adapter is faster. */
export function ratioOf(row: Row, adapter: number | undefined, raw: number | undefined): number | undefined {
  if (adapter === undefined || raw === undefined || row.better === undefined) return undefined;
  return row.better === 'higher' ? adapter / raw : raw / adapter;
}

/** One column of the table: a target's figure, or the ratio of an adapter to its raw baseline. */
type Column = { title: string; cell: (row: Row, workload: WorkloadResult | undefined) => string };

/** A target's own figures, or FAILED when its verification failed. */
function targetColumn(target: TargetName): Column {
  return {
    title: target,
    cell: (row, workload) => {
      const failed = workload?.targets.find((t) => t.target === target)?.error;
      return failed !== undefined ? 'FAILED' : formatValue(figure(workload, target, row.metric), row.unit);
    },
  };
}

/**
 * The results as a Markdown table (readable in a terminal too): one line per metric, one column per
 * target, and after each raw or floor baseline the ratio adapter / baseline (above 1: the adapter
 * is faster).
 */
export function renderTable(report: BenchReport): string {
  const ran = new Set(report.workloads.flatMap((w) => w.targets.map((t) => t.target)));
  const columns: Column[] = [{ title: 'workload (median)', cell: (row) => `${row.label} (${row.unit})` }];
  // A baseline shared by two adapters (`sqlite` and `sqlite-lean`) gets its column once, beside the
  // first of them that ran; each adapter that ran still gets its ratio column.
  const shown = new Set<TargetName>();
  for (const entry of ADAPTERS) {
    const { adapter } = entry;
    if (ran.has(adapter)) columns.push(targetColumn(adapter));
    for (const { kind } of BASELINES) {
      const baseline = entry[kind];
      if (baseline === undefined || !ran.has(baseline)) continue;
      // Beside the first adapter of this baseline that ran (or alone, when none of them ran).
      const owner = ADAPTERS.find((e) => e[kind] === baseline && ran.has(e.adapter)) ?? entry;
      if (owner === entry && !shown.has(baseline)) {
        shown.add(baseline);
        columns.push(targetColumn(baseline));
      }
      if (!ran.has(adapter)) continue;
      columns.push({
        title: `${adapter}/${kind}`,
        cell: (row, workload) => {
          const ratio = ratioOf(
            row,
            figure(workload, adapter, row.metric),
            figure(workload, baseline, row.metric),
          );
          return ratio === undefined || !Number.isFinite(ratio) ? '' : `${ratio.toFixed(2)}x`;
        },
      });
    }
  }
  const lines: string[][] = [];
  for (const row of ROWS) {
    const workload = report.workloads.find((w) => w.id === row.workload);
    if (workload === undefined) continue;
    lines.push(columns.map((column) => column.cell(row, workload)));
  }
  return lines.length === 0
    ? ''
    : markdownTable(
        columns.map((c) => c.title),
        lines,
      );
}

/** A Markdown table (readable in a terminal too): first column left-aligned, the others right. */
export function markdownTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [
    format(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...lines.map(format),
  ].join('\n');
}

/** One target check of issue 8 or 18: met or missed, with the figure. */
export interface TargetCheck {
  readonly driver: Driver;
  readonly workload: WorkloadId;
  readonly description: string;
  readonly actual: number;
  readonly met: boolean;
}

/** Compares the run with the targets (ratios, snapshot speed-up, peak RSS). */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const entry of ADAPTERS) {
    const { adapter, driver } = entry;
    for (const workload of report.workloads) {
      const headline = ROWS.find((row) => row.workload === workload.id && row.headline);
      for (const { kind, targets } of BASELINES) {
        const target = targets[driver]?.[workload.id];
        const baseline = entry[kind];
        if (headline === undefined || target === undefined || baseline === undefined) continue;
        const ratio = ratioOf(
          headline,
          figure(workload, adapter, headline.metric),
          figure(workload, baseline, headline.metric),
        );
        if (ratio !== undefined) {
          checks.push({
            driver,
            workload: workload.id,
            description: `${adapter}/${kind} >= ${target.toFixed(1)}x`,
            actual: ratio,
            met: ratio >= target,
          });
        }
      }
      if (workload.id === WORKLOAD.aggregateLoad) {
        const speedup = figure(workload, adapter, 'snapshotSpeedup');
        if (speedup !== undefined) {
          checks.push({
            driver,
            workload: WORKLOAD.aggregateLoad,
            description: `${adapter} snapshot load >= ${SNAPSHOT_SPEEDUP_TARGET}x faster than replay`,
            actual: speedup,
            met: speedup >= SNAPSHOT_SPEEDUP_TARGET,
          });
        }
      }
      if (workload.id === WORKLOAD.readAllMemory && driver !== 'memory') {
        const rss = figure(workload, adapter, 'peakRssMb');
        if (rss !== undefined) {
          checks.push({
            driver,
            workload: WORKLOAD.readAllMemory,
            description: `${adapter} peak RSS < ${PEAK_RSS_LIMIT_MB} MB`,
            actual: rss,
            met: rss < PEAK_RSS_LIMIT_MB,
          });
        }
      }
    }
  }
  return checks;
}

/** The checks as lines: `met    W2 sqlite/raw >= 0.7x: 0.931`. */
export function renderChecks(checks: readonly TargetCheck[]): string {
  return (
    checks
      // Three decimals for ratios, so a miss never prints as the target (0.698 is not 0.70).
      .map(
        (c) =>
          `${c.met ? 'met   ' : 'MISSED'} ${c.workload} ${c.description}: ${c.actual.toFixed(c.actual < 10 ? 3 : 1)}`,
      )
      .join('\n')
  );
}
