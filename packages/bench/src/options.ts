import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL, growthLevelsUpTo, QUICK, type Scale } from './scale';
import { TARGET_NAMES, type TargetName } from './subject';
import { WORKLOAD, WORKLOAD_IDS, WORKLOAD_NAMES, type WorkloadId, type WorkloadName } from './workload-ids';

/** The default PostgreSQL URL (the machine's trust-auth server), overridden by `CHRONICLE_PG_URL`. */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export const USAGE = `pnpm bench [options]
pnpm bench profile [options]   CPU profiles per event by category (pnpm bench profile --help)
pnpm bench relay [options]     relay to NATS JetStream vs the same client in a loop (pnpm bench relay --help)
pnpm bench inspection [--quick]  the CLI's streams pages and verify rate on a 1M-event SQLite log
pnpm bench results-block [report.json] [--write-docs]  docs/performance.md's Results block from a run's JSON

  --adapters a,b     memory, sqlite, postgres (each brings its raw and floor baselines), or
                     sqlite-raw, sqlite-floor, postgres-raw, postgres-floor, postgres-unnamed,
                     sqlite-lean, postgres-lean (schemaProfile 'lean') on their own. Default: memory, sqlite, postgres.
  --no-raw           leave out the raw baselines of the adapters named.
  --no-floor         leave out the floor baselines of the adapters named.
  --workloads W1,readAll  ids or names, any of ${WORKLOAD_IDS.map((id) => `${id} ${WORKLOAD_NAMES[id]}`).join(', ')}. Default: all.
  --quick            tiny scale, one round, no warm-up: a smoke test of the harness (CI).
  --growth-max n     W8 logGrowth: measure at 0, 1M and 10M stored events up to n, and at n
                     (default: 0 and ${FULL.growthLevels.at(-1)!.toLocaleString('en-US')}; quick: 0 and ${QUICK.growthLevels.at(-1)!.toLocaleString('en-US')}).
                     Seeding 10M events takes minutes per target: never in CI.
  --rounds n         measured rounds per workload (default ${FULL.rounds}; quick ${QUICK.rounds}).
  --out file         write the JSON report there (default: results/<timestamp>.json; quick: none).
  --latest           also write results/latest.json.
  --markdown         print only the Markdown table and the target checks.
  --data-dir dir     where SQLite files go (default: a fresh directory under ${tmpdir()}).

W12–W16 open their own stores: W12, W13 on SQLite and PostgreSQL, W14–W16 on SQLite. W12–W15
measure their own hand-written baseline in each round and report it as the adapter's raw target.

PostgreSQL: CHRONICLE_PG_URL (default ${DEFAULT_PG_URL}). NATS JetStream (W14):
CHRONICLE_NATS_URL (default nats://127.0.0.1:4222). RabbitMQ (W15): CHRONICLE_RABBITMQ_URL (default
amqp://guest:guest@127.0.0.1:5672). When one cannot be reached its targets or workloads are skipped
with the reason, except under CI=true, where that fails the run.`;

/** Parsed command line. */
export interface CliOptions {
  readonly targets: TargetName[];
  readonly workloads: WorkloadId[];
  readonly quick: boolean;
  readonly scale: Scale;
  readonly out: string | undefined;
  readonly latest: boolean;
  readonly markdown: boolean;
  readonly dataDir: string | undefined;
  readonly help: boolean;
}

const split = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** Parses the bench's arguments; throws with a readable message on anything unknown. */
export function parseCli(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    // `pnpm bench -- --quick` passes the separator through.
    args: argv.filter((arg) => arg !== '--'),
    options: {
      adapters: { type: 'string' },
      'no-raw': { type: 'boolean', default: false },
      'no-floor': { type: 'boolean', default: false },
      workloads: { type: 'string' },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'growth-max': { type: 'string' },
      out: { type: 'string' },
      latest: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });

  const asked = values.adapters === undefined ? ['memory', 'sqlite', 'postgres'] : split(values.adapters);
  const targets = new Set<TargetName>();
  for (const name of asked) {
    if (!TARGET_NAMES.includes(name as TargetName)) {
      throw new Error(`unknown adapter '${name}': use ${TARGET_NAMES.join(', ')}`);
    }
    targets.add(name as TargetName);
    for (const [suffix, leftOut] of [
      ['raw', values['no-raw']],
      ['floor', values['no-floor']],
    ] as const) {
      const baseline = `${name}-${suffix}` as TargetName;
      if (!leftOut && TARGET_NAMES.includes(baseline)) targets.add(baseline);
    }
  }

  const workloads =
    values.workloads === undefined
      ? [...WORKLOAD_IDS]
      : split(values.workloads).map((w) =>
          Object.hasOwn(WORKLOAD, w) ? WORKLOAD[w as WorkloadName] : w.toUpperCase(),
        );
  for (const w of workloads) {
    if (!WORKLOAD_IDS.includes(w as WorkloadId))
      throw new Error(
        `unknown workload '${w}': use an id or a name, ${WORKLOAD_IDS.map((id) => `${id} ${WORKLOAD_NAMES[id]}`).join(', ')}`,
      );
  }

  let scale = values.quick ? QUICK : FULL;
  if (values.rounds !== undefined) {
    const rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1)
      throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
    scale = { ...scale, rounds };
  }
  if (values['growth-max'] !== undefined) {
    const max = Number(values['growth-max']);
    if (!Number.isSafeInteger(max) || max < 1)
      throw new Error(`--growth-max must be a positive integer, got ${values['growth-max']}`);
    scale = { ...scale, growthLevels: growthLevelsUpTo(max) };
  }

  return {
    targets: TARGET_NAMES.filter((t) => targets.has(t)),
    workloads: WORKLOAD_IDS.filter((w) => workloads.includes(w)),
    quick: values.quick,
    scale,
    out: values.out,
    latest: values.latest,
    markdown: values.markdown,
    dataDir: values['data-dir'],
    help: values.help,
  };
}

/** A fresh directory name for SQLite files. */
export function defaultDataDir(): string {
  return join(tmpdir(), `chronicle-bench-${process.pid}`);
}
