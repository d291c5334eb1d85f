/**
 * `pnpm bench`: runs the workloads against every adapter and its raw baseline, prints the table and
 * the target checks, and writes the JSON report. Exits 1 when a target failed its verification.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  FULL_INSPECTION_SCALE,
  QUICK_INSPECTION_SCALE,
  renderInspection,
  runInspectionBench,
} from './inspection/inspection-bench';
import { round2 } from './machine';
import { observabilityMain } from './observability/overhead-command';
import { DEFAULT_PG_URL, defaultDataDir, parseCli, USAGE } from './options';
import { PROFILE_USAGE, parseProfileCli, renderProfiles, runProfiles } from './profile/profile-command';
import { relayRabbitMqMain } from './relay/rabbitmq-relay-command';
import { relayMain } from './relay/relay-command';
import { checkConsuming } from './report/consuming-report';
import { checkGrowth, renderGrowthTable } from './report/growth-table';
import { mergeReports, renderResultsBlock, replaceResultsBlock } from './report/results-block';
import { checkRound2 } from './report/round2-report';
import { checkTargets, renderChecks, renderTable, type TargetCheck } from './report/table';
import { type BenchReport, runBench } from './run';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
/** The performance record whose Results block `results-block --write-docs` regenerates. */
const PERFORMANCE_DOC = join(RESULTS_DIR, '..', '..', '..', 'docs', 'performance.md');

const RESULTS_BLOCK_USAGE = `usage: pnpm bench results-block [report.json ...] [--write-docs]
  Prints the Results block of docs/performance.md (markers included) from a run's JSON report
  (default: packages/bench/results/latest.json), or from several runs of one commit (each workload
  from the last run that has it); --write-docs replaces the block in that file.`;

/** Every target check of a run: issue 8's and 18's ratios, W8's growth, the consuming and round-2 workloads. */
function checksOf(report: BenchReport): TargetCheck[] {
  return [...checkTargets(report), ...checkGrowth(report), ...checkConsuming(report), ...checkRound2(report)];
}

/** `pnpm bench results-block [report.json] [--write-docs]`: the docs' Results block from a run's JSON. */
function resultsBlockMain(argv: readonly string[]): number {
  const parse = () => {
    const parsed = parseArgs({
      args: [...argv],
      options: { 'write-docs': { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    return { files: parsed.positionals, writeDocs: parsed.values['write-docs'] };
  };
  let options: ReturnType<typeof parse>;
  try {
    options = parse();
  } catch (error) {
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n\n${RESULTS_BLOCK_USAGE}\n`,
    );
    return 2;
  }
  const files = (options.files.length > 0 ? options.files : [join(RESULTS_DIR, 'latest.json')]).map((f) =>
    resolve(f),
  );
  let block: string;
  try {
    const report = mergeReports(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchReport));
    block = renderResultsBlock(report, checksOf(report));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (options.writeDocs) {
    writeFileSync(PERFORMANCE_DOC, replaceResultsBlock(readFileSync(PERFORMANCE_DOC, 'utf8'), block));
    process.stdout.write(`${PERFORMANCE_DOC}: Results block replaced from ${files.join(', ')}\n`);
  } else process.stdout.write(`${block}\n`);
  return 0;
}

/** `pnpm bench profile …`: CPU profiles of an append loop and a replay, summarised per event. */
async function profileMain(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseProfileCli>;
  try {
    options = parseProfileCli(argv, join(RESULTS_DIR, '..', 'profiles'));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${PROFILE_USAGE}\n`);
    return 2;
  }
  const dataDir = defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  try {
    const summaries = await runProfiles(
      options,
      { dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
      (line) => process.stdout.write(`${line}\n`),
    );
    process.stdout.write(
      `\n${renderProfiles(summaries)}\n\nload average (1/5/15 min): ${os.loadavg().map(round2).join('/')}\n`,
    );
    return 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `pnpm bench inspection [--quick]`: the CLI's and inspector's reads on a large SQLite log. */
async function inspectionMain(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown[0]}\n\nusage: pnpm bench inspection [--quick]\n`);
    return 2;
  }
  const dataDir = defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  try {
    const scale = argv.includes('--quick') ? QUICK_INSPECTION_SCALE : FULL_INSPECTION_SCALE;
    const result = await runInspectionBench(dataDir, scale, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(
      `\n${renderInspection(result)}\n\nload average (1/5/15 min): ${os.loadavg().map(round2).join('/')}\n`,
    );
    return result.verifyRatio >= 0.5 ? 0 : 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  if (args[0] === 'profile') return profileMain(args.slice(1));
  if (args[0] === 'relay') return relayMain(args.slice(1));
  if (args[0] === 'inspection') return inspectionMain(args.slice(1));
  if (args[0] === 'relay-rabbitmq') return relayRabbitMqMain(args.slice(1), RESULTS_DIR);
  if (args[0] === 'observability') return observabilityMain(args.slice(1), RESULTS_DIR);
  if (args[0] === 'results-block') return resultsBlockMain(args.slice(1));
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  const log = options.markdown ? () => {} : (line: string) => process.stdout.write(`${line}\n`);

  try {
    const report = await runBench({
      targets: options.targets,
      workloads: options.workloads,
      scale: options.scale,
      quick: options.quick,
      storage: { dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
      requirePostgres: process.env.CI === 'true',
      requireBrokers: process.env.CI === 'true',
      command: ['pnpm bench', ...args].join(' '),
      log,
    });
    const checks = checksOf(report);
    for (const table of [renderTable(report), renderGrowthTable(report)])
      if (table !== '') process.stdout.write(`\n${table}\n`);
    process.stdout.write('\n');
    if (!options.quick && checks.length > 0)
      process.stdout.write(
        `Targets (issue 8: against raw; issue 18: against the floor; issue 13: consuming; issues 14, 15: projections and relays against their baselines; W16: the inspection):\n${renderChecks(checks)}\n\n`,
      );
    for (const [target, reason] of Object.entries(report.skipped))
      process.stdout.write(`skipped ${target}: ${reason}\n`);
    process.stdout.write(`${describeRun(report)}\n`);

    const json = `${JSON.stringify({ ...report, checks }, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
    const out =
      options.out ??
      (options.quick ? undefined : join(RESULTS_DIR, `${report.startedAt.replace(/[:.]/g, '-')}.json`));
    if (out !== undefined) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, json);
      log(`report: ${out}`);
    }
    if (options.latest) writeFileSync(join(RESULTS_DIR, 'latest.json'), json);

    const failed = report.workloads.flatMap((w) =>
      w.targets.filter((t) => t.error !== undefined).map((t) => `${w.id} ${t.target}: ${t.error}`),
    );
    for (const line of failed) process.stderr.write(`FAILED ${line}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The run's conditions in two lines: load averages per workload, and the code measured. */
function describeRun(report: BenchReport): string {
  const load = (values: readonly number[]) => values.join('/');
  const perWorkload = report.workloads.map((w) => `${w.id} ${load(w.loadAverageBefore)}`).join(', ');
  const dirty =
    report.source.uncommitted.length > 0
      ? ` + uncommitted changes (${report.source.uncommitted.length} files)`
      : '';
  return (
    `load average (1/5/15 min): start ${load(report.machine.loadAverageAtStart)}; ${perWorkload}; end ${load(report.loadAverageAtEnd)}\n` +
    `measured: commit ${report.source.commit}${dirty}; ${report.machine.cpuCount} x ${report.machine.cpuModel}, node ${report.machine.node}, sqlite ${report.machine.sqlite}, ${report.machine.postgres.version?.split(' on ')[0] ?? 'no PostgreSQL'}`
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
