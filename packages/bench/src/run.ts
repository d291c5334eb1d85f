import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { type MachineInfo, machineInfo, postgresInfo, round2 } from './machine';
import type { Scale } from './scale';
import { median } from './stats';
import { type Driver, type SubjectFactory, TARGET_NAMES, type TargetKind, type TargetName } from './subject';
import { createFactory, type StorageSettings } from './subjects/index';
import type { WorkloadId } from './workload-ids';
import { WORKLOADS } from './workloads/index';
import type { Metrics, Workload } from './workloads/workload';

/** One target's figures on one workload. */
export interface TargetResult {
  readonly target: TargetName;
  readonly driver: Driver;
  readonly kind: TargetKind;
  /** Every measured round, in order. */
  readonly rounds: Metrics[];
  /** The median of each metric over the rounds. */
  readonly median: Metrics;
  /** Why the target has no figures (a failed verification or a driver error). */
  readonly error?: string;
  /**
   * Set on a raw baseline the workload measured in the adapter's own rounds (W12–W15, see
   * `Workload.pairedBaseline`): the adapter whose rounds these are.
   */
  readonly measuredWith?: TargetName;
}

/** One workload's results. */
export interface WorkloadResult {
  readonly id: WorkloadId;
  readonly title: string;
  readonly targets: TargetResult[];
  readonly loadAverageBefore: readonly number[];
  readonly loadAverageAfter: readonly number[];
  readonly durationMs: number;
}

/** Everything a run produced: the JSON written to `results/`. */
export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly scale: Scale;
  readonly machine: MachineInfo;
  readonly settings: Record<string, string>;
  /** The commit measured, and the measured packages' uncommitted changes (`git status --short`), if any. */
  readonly source: { readonly commit: string; readonly uncommitted: readonly string[] };
  /** `os.loadavg()` when the run ended. */
  readonly loadAverageAtEnd: readonly number[];
  /** Targets or workloads asked for but not run, with the reason (e.g. PostgreSQL or a broker unreachable). */
  readonly skipped: Record<string, string>;
  readonly workloads: WorkloadResult[];
}

/** What to run. */
export interface BenchOptions {
  readonly targets: readonly TargetName[];
  readonly workloads: readonly WorkloadId[];
  readonly scale: Scale;
  readonly quick: boolean;
  readonly storage: StorageSettings;
  /** When true, an unreachable PostgreSQL fails the run instead of skipping its targets (CI). */
  readonly requirePostgres: boolean;
  /** When true, a workload whose broker is unreachable runs and fails instead of being skipped (CI). */
  readonly requireBrokers?: boolean;
  /** The command line that asked for the run, recorded in the report's settings. */
  readonly command?: string;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Makes each target's factory. Default: {@link createFactory} (tests pass a deliberately broken one). */
  readonly factoryOf?: (name: TargetName, storage: StorageSettings) => SubjectFactory;
}

function medians(rounds: readonly Metrics[]): Metrics {
  const result: Metrics = {};
  for (const key of Object.keys(rounds[0] ?? {})) result[key] = median(rounds.map((r) => r[key]!));
  return result;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs the workloads against the targets. Each workload runs its rounds interleaved across targets
 * (round 1 of every target, then round 2, the order rotating each round), so background noise falls
 * on adapter and baseline alike. A target whose verification fails gets an `error` and no figures.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { scale, log } = options;
  const startedAt = new Date().toISOString();
  // Taken now: the tree may move while a long run measures the code it loaded at the start.
  const source = sourceState();
  const skipped: Record<string, string> = {};
  let pgInfo: Record<string, string>;
  let targets = [...options.targets];
  try {
    pgInfo = await postgresInfo(options.storage.postgresUrl);
  } catch (error) {
    const reason = `PostgreSQL at ${options.storage.postgresUrl} is unreachable: ${describe(error)}`;
    pgInfo = { unavailable: reason };
    if (targets.some((t) => t.startsWith('postgres'))) {
      if (options.requirePostgres) throw new Error(reason);
      for (const t of targets.filter((t) => t.startsWith('postgres'))) skipped[t] = reason;
      targets = targets.filter((t) => !t.startsWith('postgres'));
      log(`skipping PostgreSQL targets: ${reason}`);
    }
  }
  const machine = machineInfo(pgInfo);
  log(
    `machine: ${machine.cpuCount} x ${machine.cpuModel}, node ${machine.node}, sqlite ${machine.sqlite}, load ${machine.loadAverageAtStart.join(' ')}`,
  );

  const workloads: WorkloadResult[] = [];
  for (const id of options.workloads) {
    const workload = WORKLOADS[id];
    const unavailable = options.requireBrokers ? undefined : await workload.unavailable?.();
    if (unavailable !== undefined) {
      skipped[id] = unavailable;
      log(`skipping ${id}: ${unavailable}`);
      continue;
    }
    const loadAverageBefore = os.loadavg().map(round2);
    const t0 = performance.now();
    log(`${id} ${workload.title}`);
    const factoryOf = options.factoryOf ?? createFactory;
    const factories: SubjectFactory[] = targets
      .map((t) => factoryOf(t, options.storage))
      .filter((factory) => workload.appliesTo?.(factory) ?? true);
    const prepared = new Map<TargetName, unknown>();
    const errors = new Map<TargetName, string>();
    const rounds = new Map<TargetName, Metrics[]>(targets.map((t) => [t, []]));
    try {
      for (const factory of factories) {
        try {
          prepared.set(factory.name, await workload.prepare(factory, scale));
        } catch (error) {
          errors.set(factory.name, `prepare: ${describe(error)}`);
        }
      }
      const roundCount = workload.oneRound ? 1 : scale.rounds;
      const warmUp = scale.warmUp && !workload.oneRound && workload.warmUp !== false;
      for (let r = warmUp ? -1 : 0; r < roundCount; r++) {
        const order = factories.map((_, i) => factories[(i + Math.max(r, 0)) % factories.length]!);
        for (const factory of order) {
          if (errors.has(factory.name)) continue;
          try {
            const metrics = await workload.round(factory, prepared.get(factory.name), {
              scale,
              label: `${id.toLowerCase()}-r${r + 1}`,
              storage: options.storage,
            });
            if (r >= 0) rounds.get(factory.name)!.push(metrics);
          } catch (error) {
            errors.set(factory.name, describe(error));
          }
        }
        global.gc?.();
      }
      for (const factory of factories) {
        if (!prepared.has(factory.name)) continue;
        try {
          await workload.finish(prepared.get(factory.name));
        } catch (error) {
          if (!errors.has(factory.name)) errors.set(factory.name, `finish: ${describe(error)}`);
        }
      }
    } finally {
      for (const factory of factories) await factory.dispose().catch(() => {});
    }
    const results: TargetResult[] = factories.map((factory) => {
      const measured = rounds.get(factory.name)!;
      const error = errors.get(factory.name);
      return {
        target: factory.name,
        driver: factory.driver,
        kind: factory.kind,
        rounds: measured,
        median: error === undefined ? medians(measured) : {},
        ...(error !== undefined && { error }),
      };
    });
    results.push(...pairedBaselines(workload, results, targets));
    results.sort((a, b) => TARGET_NAMES.indexOf(a.target) - TARGET_NAMES.indexOf(b.target));
    for (const result of results) {
      log(`  ${result.target.padEnd(13)} ${result.error ?? summarize(result.median)}`);
    }
    workloads.push({
      id,
      title: workload.title,
      targets: results,
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map(round2),
      durationMs: Math.round(performance.now() - t0),
    });
  }

  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    scale,
    machine,
    settings: {
      sqlite:
        'WAL, synchronous = FULL (fsync on every commit), busy_timeout 5000 ms, a file on the local disk',
      postgres: `stock server settings (see machine.postgres); a pool of 8 connections per store; each store in its own schema`,
      rounds: `${scale.rounds} measured rounds per workload${scale.warmUp ? ' after a discarded warm-up round' : ''}; figures are medians`,
      ...(options.command !== undefined && { command: options.command }),
    },
    source,
    loadAverageAtEnd: os.loadavg().map(round2),
    skipped,
    workloads,
  };
}

/**
 * The raw baselines a workload measured in its adapters' own rounds (`Workload.pairedBaseline`), as
 * targets of their own — for the adapters whose raw baseline the run asked for.
 */
function pairedBaselines(
  workload: Workload,
  results: readonly TargetResult[],
  targets: readonly TargetName[],
): TargetResult[] {
  const metrics = workload.pairedBaseline;
  if (metrics === undefined) return [];
  return results.flatMap((adapter): TargetResult[] => {
    const raw = `${adapter.target}-raw` as TargetName;
    if (adapter.kind !== 'adapter' || !targets.includes(raw)) return [];
    const rounds = adapter.rounds.map((round) =>
      Object.fromEntries(Object.entries(metrics).map(([metric, from]) => [metric, round[from]!])),
    );
    return [
      {
        target: raw,
        driver: adapter.driver,
        kind: 'raw',
        rounds,
        median: adapter.error === undefined ? medians(rounds) : {},
        ...(adapter.error !== undefined && { error: adapter.error }),
        measuredWith: adapter.target,
      },
    ];
  });
}

/** The checked-out commit and any uncommitted change to the measured packages (a run on a dirty tree says so). */
function sourceState(): BenchReport['source'] {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const root = git('rev-parse', '--show-toplevel');
  if (root === '') return { commit: 'unknown', uncommitted: [] };
  const paths = ['core', 'sqlite', 'postgres', 'bench'].map((p) => `${root}/packages/${p}/src`);
  const status = git('status', '--short', '--', ...paths);
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommitted: status === '' ? [] : status.split('\n'),
  };
}

function summarize(metrics: Metrics): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key}=${value >= 100 ? Math.round(value) : value.toFixed(2)}`)
    .join(' ');
}
