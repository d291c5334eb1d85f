import type { BenchReport } from '../run';
import { WORKLOAD_IDS } from '../workload-ids';
import { renderGrowthTable } from './growth-table';
import { renderChecks, renderTable, type TargetCheck } from './table';

/** The markers around the generated Results block of docs/performance.md. */
export const RESULTS_BEGIN = '<!-- RESULTS:BEGIN -->';
export const RESULTS_END = '<!-- RESULTS:END -->';

function minutes(report: BenchReport): string {
  const n = Math.max(1, Math.round((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 60_000));
  return n === 1 ? '1 minute' : `${n} minutes`;
}

/** `2026-12-01 01:45 UTC` */
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The run's conditions in one paragraph: when, what code, which machine, how the figures were taken. */
function describeConditions(report: BenchReport): string {
  const { machine, source, scale } = report;
  const dirty =
    source.uncommitted.length > 0
      ? ` plus uncommitted changes to ${source.uncommitted.length} files of the measured packages`
      : '';
  const pg = machine.postgres;
  const postgres =
    pg.version === undefined
      ? 'no PostgreSQL'
      : `${pg.version.split(' on ')[0]?.split(' (')[0]} (fsync ${pg.fsync}, synchronous_commit ${pg.synchronous_commit}, shared_buffers ${pg.shared_buffers})`;
  const ran = (...ids: string[]) => ids.filter((id) => report.workloads.some((w) => w.id === id));
  const oneRound = ran('W7', 'W8', 'W16');
  const notes = [
    oneRound.length > 0 ? `${oneRound.join(', ')}: one round per target` : '',
    ran('W15').length > 0 ? 'W15: no warm-up round, its bench warms both sides up on every call' : '',
  ].filter((note) => note !== '');
  const rounds =
    `the median of ${scale.rounds} rounds${scale.warmUp ? ' after a discarded warm-up round' : ''}` +
    (notes.length > 0 ? ` (${notes.join('; ')})` : '');
  const paired = ran('W12', 'W13', 'W14', 'W15');
  const baselines =
    paired.length === 0
      ? ''
      : ` ${paired.join(', ')}: the raw column is the workload's own hand-written baseline, measured in the adapter's rounds — ` +
        'the projector on the same driver (W12, W13), the broker client publishing in a loop (W14, W15).';
  const command =
    report.settings.command === undefined ? '' : ` \`${report.settings.command}\` reproduces it.`;
  return (
    `Run of ${utc(report.startedAt)} (${minutes(report)}) on commit \`${source.commit}\`${dirty}: ` +
    `${machine.cpuCount} × ${machine.cpuModel}, ${Math.round(machine.totalMemoryMb / 1024)} GB, ${machine.platform} ${machine.kernel}; ` +
    `Node ${machine.node}, SQLite ${machine.sqlite}, ${postgres}. Each figure is ${rounds}.${baselines}${command}`
  );
}

/** The load averages before each workload, as the Results block prints them. */
function describeLoad(report: BenchReport): string {
  const load = (values: readonly number[]) => values.join('/');
  const perWorkload = report.workloads.map((w) => `${w.id} ${load(w.loadAverageBefore)}`).join(', ');
  return (
    `Load average (1 / 5 / 15 min) start ${load(report.machine.loadAverageAtStart)}; ${perWorkload}; ` +
    `end ${load(report.loadAverageAtEnd)}. The machine has ${report.machine.cpuCount} cores: a load of ` +
    `${report.machine.cpuCount} means it was busy.`
  );
}

/**
 * The Results block of docs/performance.md, markers included, from a run's report and its target
 * checks: the conditions, the table of every workload (raw and floor columns with their ratios), the
 * W8 table, the checks as met / MISSED, what was skipped and why, and the load averages.
 */
export function renderResultsBlock(report: BenchReport, checks: readonly TargetCheck[]): string {
  const parts = [describeConditions(report)];
  for (const table of [renderTable(report), renderGrowthTable(report)]) if (table !== '') parts.push(table);
  if (checks.length > 0)
    parts.push(
      'Against the targets (issue 8 against raw, issue 18 against the floor and as the log grows, issue 13 ' +
        'for consuming, issues 14 and 15 against their own baselines, W16 for the inspection; medians, same run):',
      `\`\`\`\n${renderChecks(checks)}\n\`\`\``,
    );
  const skipped = Object.entries(report.skipped);
  if (skipped.length > 0)
    parts.push(`Not run: ${skipped.map(([what, reason]) => `${what} (${reason})`).join('; ')}.`);
  parts.push(describeLoad(report));
  return [RESULTS_BEGIN, parts.join('\n\n'), RESULTS_END].join('\n');
}

/** `markdown` with the block between the markers replaced by `block`; throws when the markers are missing. */
export function replaceResultsBlock(markdown: string, block: string): string {
  const begin = markdown.indexOf(RESULTS_BEGIN);
  const end = markdown.indexOf(RESULTS_END, begin);
  if (begin === -1 || end === -1) throw new Error(`no ${RESULTS_BEGIN} … ${RESULTS_END} block found`);
  return markdown.slice(0, begin) + block + markdown.slice(end + RESULTS_END.length);
}

/**
 * One report from several runs of the same commit (a workload rerun on its own): each workload from
 * the last run that has it, in run order; the conditions of the first run, the earliest start and
 * the latest end. Throws when the runs measured different code.
 */
export function mergeReports(reports: readonly BenchReport[]): BenchReport {
  const [first, ...rest] = reports;
  if (first === undefined) throw new Error('no report to merge');
  if (rest.length === 0) return first;
  const sources = new Set(reports.map((r) => `${r.source.commit} ${r.source.uncommitted.join(' ')}`));
  if (sources.size > 1)
    throw new Error('the runs measured different code (commit or uncommitted changes differ)');
  const last = reports.at(-1)!;
  const workloads = WORKLOAD_IDS.flatMap((id) => {
    const from = reports.findLast((r) => r.workloads.some((w) => w.id === id));
    return from?.workloads.filter((w) => w.id === id) ?? [];
  });
  const times = reports.flatMap((r) => [r.startedAt, r.finishedAt]).sort();
  return {
    ...first,
    startedAt: times[0]!,
    finishedAt: times.at(-1)!,
    loadAverageAtEnd: last.loadAverageAtEnd,
    settings: { ...first.settings, command: reports.map((r) => r.settings.command ?? '?').join('; ') },
    skipped: Object.fromEntries(
      reports
        .flatMap((r) => Object.entries(r.skipped))
        .filter(([what]) => !workloads.some((w) => w.id === what)),
    ),
    workloads,
  };
}
