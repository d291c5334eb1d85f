import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PG_URL } from '../src/options';
import { checkTargets, renderTable } from '../src/report/table';
import { runBench } from '../src/run';
import { QUICK } from '../src/scale';
import { TARGET_NAMES } from '../src/subject';
import { WORKLOAD_IDS } from '../src/workload-ids';

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
      expect(workload.targets.map((t) => t.target)).toEqual(ran);
      for (const result of workload.targets) {
        expect({ workload: workload.id, target: result.target, error: result.error }).toEqual({
          workload: workload.id,
          target: result.target,
          error: undefined,
        });
        expect(result.rounds).toHaveLength(QUICK.rounds);
        const headline =
          workload.id === 'W5' ? 'replayEventsPerSec' : workload.id === 'W7' ? 'peakRssMb' : 'eventsPerSec';
        expect(result.median[headline]).toBeGreaterThan(0);
      }
    }
    const w1 = report.workloads.find((w) => w.id === 'W1')!;
    for (const result of w1.targets) expect(result.median.p99Ms).toBeGreaterThanOrEqual(result.median.p50Ms!);

    const table = renderTable(report);
    for (const target of ran) expect(table).toContain(target);
    expect(table).not.toContain('FAILED');
    expect(checkTargets(report).length).toBeGreaterThan(0);
    expect(report.machine.cpuCount).toBeGreaterThan(0);
    expect(report.machine.sqlite).toMatch(/^3\.\d+/);
  });
});
