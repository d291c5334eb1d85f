import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withBrokerTurn } from '../../rabbitmq/test/support/broker-turns';
import { DEFAULT_PG_URL } from '../src/options';
import { checkConsuming } from '../src/report/consuming-report';
import { renderGrowthTable } from '../src/report/growth-table';
import { checkRound2 } from '../src/report/round2-report';
import { checkTargets, renderTable } from '../src/report/table';
import { runBench } from '../src/run';
import { QUICK } from '../src/scale';
import { TARGET_NAMES } from '../src/subject';
import { WORKLOAD, WORKLOAD_IDS, type WorkloadId } from '../src/workload-ids';

/** Each workload's headline metric where it is not `eventsPerSec`. */
const HEADLINES: Partial<Record<string, string>> = {
  W5: 'replayEventsPerSec',
  W7: 'peakRssMb',
  W8: 'appendEventsPerSec@0',
  W10: 'p50Ms@1w',
  W11: 'rssStartMb',
  W16: 'verifyEventsPerSec',
};

/** The consuming workloads run on the adapters only (not postgres-unnamed): baselines have no subscriptions. */
const ADAPTERS_ONLY = new Set(['W9', 'W10', 'W11']);
const ADAPTER_TARGETS = new Set(['memory', 'sqlite', 'postgres']);

/**
 * The round-2 workloads open their own stores: the projections on SQLite and PostgreSQL, the relays
 * and the inspection on SQLite. W12–W15 measure their own hand-written baseline in the same round,
 * reported as the adapter's raw target.
 */
const ROUND2_TARGETS: Partial<Record<string, readonly string[]>> = {
  W12: ['sqlite', 'sqlite-raw', 'postgres', 'postgres-raw'],
  W13: ['sqlite', 'sqlite-raw', 'postgres', 'postgres-raw'],
  W14: ['sqlite', 'sqlite-raw'],
  W15: ['sqlite', 'sqlite-raw'],
  W16: ['sqlite'],
};

/**
 * The RabbitMQ relay (W15) runs on its own, in a turn on the broker: the RabbitMQ outage test
 * (another vitest project, in parallel) stops the broker's app during its turn.
 */
const WITH_BROKER_TURN: readonly WorkloadId[] = [WORKLOAD.rabbitMqRelay];

const dataDir = mkdtempSync(join(tmpdir(), 'chronicle-bench-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// The CI smoke test of the bench: every workload against every target at tiny scale. It asserts that
// the harness runs and that every verification (versions 1..n, read exactly once, folds) passes —
// never a timing.
describe('pnpm bench --quick', () => {
  it('runs every workload on every target and verifies every result', async () => {
    const run = (workloads: WorkloadId[]) =>
      runBench({
        targets: [...TARGET_NAMES],
        workloads,
        scale: QUICK,
        quick: true,
        storage: { dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
        requirePostgres: process.env.CI === 'true',
        requireBrokers: process.env.CI === 'true',
        log: () => {},
      });
    const first = await run(WORKLOAD_IDS.filter((id) => !WITH_BROKER_TURN.includes(id)));
    const second = await withBrokerTurn(() => run([...WITH_BROKER_TURN]));
    const report = {
      ...first,
      skipped: { ...first.skipped, ...second.skipped },
      workloads: WORKLOAD_IDS.flatMap((id) =>
        [...first.workloads, ...second.workloads].filter((w) => w.id === id),
      ),
    };
    for (const [target, reason] of Object.entries(report.skipped)) {
      console.warn(`bench quick test: ${target} skipped: ${reason}`);
    }
    const ran = TARGET_NAMES.filter((t) => report.skipped[t] === undefined);
    expect(ran.length).toBeGreaterThanOrEqual(3);

    // A broker out of reach skips its workload, except under CI=true, where it fails the run.
    const ranWorkloads = WORKLOAD_IDS.filter((id) => report.skipped[id] === undefined);
    expect(report.workloads.map((w) => w.id)).toEqual(ranWorkloads);
    for (const workload of report.workloads) {
      const round2 = ROUND2_TARGETS[workload.id];
      // W8 measures storage on disk: the in-memory store has none.
      const expected =
        round2 !== undefined
          ? ran.filter((t) => round2.includes(t))
          : workload.id === 'W8'
            ? ran.filter((t) => t !== 'memory')
            : ADAPTERS_ONLY.has(workload.id)
              ? ran.filter((t) => ADAPTER_TARGETS.has(t))
              : ran;
      expect(workload.targets.map((t) => t.target)).toEqual(expected);
      for (const result of workload.targets) {
        expect({ workload: workload.id, target: result.target, error: result.error }).toEqual({
          workload: workload.id,
          target: result.target,
          error: undefined,
        });
        expect(result.rounds).toHaveLength(QUICK.rounds);
        if (result.measuredWith !== undefined) expect(result.target).toBe(`${result.measuredWith}-raw`);
        const headline = HEADLINES[workload.id] ?? 'eventsPerSec';
        expect(result.median[headline]).toBeGreaterThan(0);
      }
    }
    const w1 = report.workloads.find((w) => w.id === 'W1')!;
    for (const result of w1.targets) expect(result.median.p99Ms).toBeGreaterThanOrEqual(result.median.p50Ms!);

    const table = renderTable(report);
    for (const target of ran) expect(table).toContain(target);
    expect(table).not.toContain('FAILED');
    const checks = checkTargets(report).map((c) => c.description);
    expect(checks.some((c) => c.includes('/raw >='))).toBe(true);
    expect(checks.some((c) => c.includes('/floor >='))).toBe(true);
    const consuming = checkConsuming(report).map((c) => c.description);
    expect(consuming.some((c) => c.includes('catch-up / read-all >='))).toBe(true);
    expect(consuming.some((c) => c.includes('RSS growth <='))).toBe(true);
    // The round-2 workloads: their baselines' ratios are checked with W1–W6's, the inspection's own.
    for (const id of ['W12', 'W13', 'W14', 'W15'].filter((id) => ranWorkloads.includes(id as WorkloadId)))
      expect(
        checkTargets(report).some((c) => c.workload === id && c.description === 'sqlite/raw >= 0.8x'),
      ).toBe(true);
    expect(checkRound2(report).map((c) => c.description)).toEqual([
      'sqlite verify / read-all >= 0.5x',
      'sqlite slowest streams page < 200 ms',
    ]);
    for (const label of [
      'W12 projection catch-up',
      'W14 NATS relay append→consumer p99',
      'W16 verify / read-all',
    ])
      if (report.workloads.some((w) => w.id === label.split(' ')[0])) expect(table).toContain(label);
    const growth = renderGrowthTable(report);
    for (const target of ran.filter((t) => t !== 'memory')) expect(growth).toContain(`| ${target} `);
    expect(growth).not.toContain('FAILED');
    expect(report.machine.cpuCount).toBeGreaterThan(0);
    expect(report.machine.sqlite).toMatch(/^3\.\d+/);
  });
});
