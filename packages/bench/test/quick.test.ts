import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PG_URL } from '../src/options';
import { checkConsuming } from '../src/report/consuming-report';
import { renderGrowthTable } from '../src/report/growth-table';
import { checkTargets, renderTable } from '../src/report/table';
import { runBench } from '../src/run';
import { QUICK } from '../src/scale';
import { TARGET_NAMES } from '../src/subject';
import { WORKLOAD_IDS } from '../src/workload-ids';

/** Each workload's headline metric where it is not `eventsPerSec`. */
const HEADLINES: Partial<Record<string, string>> = {
  W5: 'replayEventsPerSec',
  W7: 'peakRssMb',
  W8: 'appendEventsPerSec@0',
  W10: 'p50Ms@1w',
  W11: 'rssStartMb',
};

/** The consuming workloads run on the adapters only (not postgres-unnamed): baselines have no subscriptions. */
const ADAPTERS_ONLY = new Set(['W9', 'W10', 'W11']);
const ADAPTER_TARGETS = new Set(['memory', 'sqlite', 'postgres']);

const dataDir = mkdtempSync(join(tmpdir(), 'chronicle-bench-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// The CI smoke test of the bench: every workload against every target at tiny scale. It asserts that
// the harness runs and that every verification (versions 1..n, read exactly once, folds) passes —
// never a timing.
describe('pnpm bench --quick', () => {
  it('runs every workload on every target and verifies every result', async () => {
    const lines: string[] = [];
    const report = await runBench({
      targets: [...TARGET_NAMES],
      workloads: [...WORKLOAD_IDS],
      scale: QUICK,
      quick: true,
      storage: { dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
      requirePostgres: process.env.CI === 'true',
      log: (line) => lines.push(line),
    });
    for (const [target, reason] of Object.entries(report.skipped)) {
      console.warn(`bench quick test: ${target} skipped: ${reason}`);
    }
    const ran = TARGET_NAMES.filter((t) => report.skipped[t] === undefined);
    expect(ran.length).toBeGreaterThanOrEqual(3);

    expect(report.workloads.map((w) => w.id)).toEqual([...WORKLOAD_IDS]);
    for (const workload of report.workloads) {
      // W8 measures storage on disk: the in-memory store has none.
      const expected =
        workload.id === 'W8'
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
    const growth = renderGrowthTable(report);
    for (const target of ran.filter((t) => t !== 'memory')) expect(growth).toContain(`| ${target} `);
    expect(growth).not.toContain('FAILED');
    expect(report.machine.cpuCount).toBeGreaterThan(0);
    expect(report.machine.sqlite).toMatch(/^3\.\d+/);
  });
});
