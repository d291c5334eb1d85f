// The round-2 workloads (W12–W16) in `pnpm bench`: selection, a broker out of reach, the paired
// baselines, and the Results block the docs take from a run. Figures are never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PG_URL, parseCli } from '../src/options';
import {
  RESULTS_BEGIN,
  RESULTS_END,
  renderResultsBlock,
  replaceResultsBlock,
} from '../src/report/results-block';
import { checkTargets, renderTable } from '../src/report/table';
import { type BenchOptions, runBench } from '../src/run';
import { QUICK } from '../src/scale';

const dataDir = mkdtempSync(join(tmpdir(), 'chronicle-bench-round2-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const run = (options: Pick<BenchOptions, 'targets' | 'workloads'> & Partial<BenchOptions>) =>
  runBench({
    scale: QUICK,
    quick: true,
    storage: { dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
    requirePostgres: false,
    log: () => {},
    ...options,
  });

describe('the round-2 workloads', () => {
  it('are selected by id or by name, in run order', () => {
    expect(parseCli(['--workloads', 'inspection,natsRelay,w12']).workloads).toEqual(['W12', 'W14', 'W16']);
    expect(parseCli([]).workloads.slice(-5)).toEqual(['W12', 'W13', 'W14', 'W15', 'W16']);
  });

  it('skip a relay whose broker is out of reach, with the reason, unless brokers are required', async () => {
    vi.stubEnv('CHRONICLE_NATS_URL', 'nats://127.0.0.1:1');
    const skipped = await run({ targets: ['sqlite', 'sqlite-raw'], workloads: ['W14'] });
    expect(skipped.workloads).toEqual([]);
    expect(skipped.skipped.W14).toMatch(/^nats:\/\/127\.0\.0\.1:1 is unreachable: /);

    // CI: the workload runs and fails, and no figure is reported for either column.
    const required = await run({
      targets: ['sqlite', 'sqlite-raw'],
      workloads: ['W14'],
      requireBrokers: true,
    });
    const targets = required.workloads[0]!.targets;
    expect(targets.map((t) => t.target)).toEqual(['sqlite', 'sqlite-raw']);
    for (const target of targets) {
      expect(target.error).toBeDefined();
      expect(target.median).toEqual({});
    }
    expect(renderTable(required)).toMatch(
      /W14 NATS relay, a stored backlog \(ev\/s\) \| +FAILED \| +FAILED \|/,
    );
  });

  it("report a projection's hand-written baseline as the adapter's raw target, only when raw is asked for", async () => {
    const withRaw = await run({ targets: ['sqlite', 'sqlite-raw'], workloads: ['W12'] });
    const [adapter, raw] = withRaw.workloads[0]!.targets;
    expect(adapter).toMatchObject({ target: 'sqlite', kind: 'adapter' });
    expect(raw).toMatchObject({ target: 'sqlite-raw', kind: 'raw', measuredWith: 'sqlite' });
    expect(raw!.rounds).toEqual(adapter!.rounds.map((r) => ({ eventsPerSec: r.baselineEventsPerSec })));
    const check = checkTargets(withRaw).find((c) => c.workload === 'W12');
    expect(check?.description).toBe('sqlite/raw >= 0.8x');
    expect(check?.actual).toBeCloseTo(adapter!.median.eventsPerSec! / raw!.median.eventsPerSec!, 10);

    const withoutRaw = await run({ targets: ['sqlite'], workloads: ['W12'] });
    expect(withoutRaw.workloads[0]!.targets.map((t) => t.target)).toEqual(['sqlite']);

    const block = renderResultsBlock(withRaw, checkTargets(withRaw));
    expect(block.startsWith(`${RESULTS_BEGIN}\nRun of `)).toBe(true);
    expect(block.endsWith(`means it was busy.\n${RESULTS_END}`)).toBe(true);
    expect(block).toContain("W12: the raw column is the workload's own hand-written baseline");
    expect(block).toContain('| W12 projection catch-up (ev/s) |');
    expect(block).toMatch(/(met {3}|MISSED) W12 sqlite\/raw >= 0\.8x: /);
  });
});

describe('the Results block of docs/performance.md', () => {
  it('is replaced between its markers, and nowhere else', () => {
    const doc = `# Performance\n\n${RESULTS_BEGIN}\nold\n${RESULTS_END}\n\nprose\n`;
    expect(replaceResultsBlock(doc, `${RESULTS_BEGIN}\nnew\n${RESULTS_END}`)).toBe(
      `# Performance\n\n${RESULTS_BEGIN}\nnew\n${RESULTS_END}\n\nprose\n`,
    );
    expect(() => replaceResultsBlock('# Performance\n', 'x')).toThrow(/RESULTS:BEGIN/);
  });
});
