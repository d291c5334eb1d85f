import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PG_URL, defaultDataDir } from '../options';
import { renderOverhead, runOverheadBench } from './overhead';

export const OBSERVABILITY_USAGE = `usage: pnpm bench observability [--slices N] [--adapters memory,sqlite,postgres] [--quick]

Measures what the OpenTelemetry instrumentation costs: the same appends, readAll and readStream on
an uninstrumented store (off), an instrumented one with no provider registered, and one with the
SDK registered; short slices of each, the modes interleaved, in one process. Default: 20 slices
(--quick: 6), every adapter.
Writes results/observability.json.`;

/** `pnpm bench observability …`; returns the exit code (1 when the no-provider target is missed). */
export async function observabilityMain(argv: readonly string[], resultsDir: string): Promise<number> {
  let slices: number | undefined;
  let adapters = ['memory', 'sqlite', 'postgres'];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--slices') slices = Number(argv[++i]);
    else if (arg === '--adapters') adapters = String(argv[++i]).split(',');
    else if (arg === '--quick') quick = true;
    else {
      process.stderr.write(`unknown argument ${arg}\n\n${OBSERVABILITY_USAGE}\n`);
      return 2;
    }
  }
  slices ??= quick ? 6 : 20;
  if (!Number.isInteger(slices) || slices < 1) {
    process.stderr.write(`--slices must be a positive integer\n\n${OBSERVABILITY_USAGE}\n`);
    return 2;
  }
  const dataDir = defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  try {
    const results = await runOverheadBench(
      { slices, adapters, dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
      (line) => process.stderr.write(`${line}\n`),
    );
    const table = renderOverhead(results, slices);
    process.stdout.write(`${table}\n`);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, 'observability.json'),
      `${JSON.stringify({ slices, results, table }, null, 2)}\n`,
    );
    return table.includes('Target MISSED') ? 1 : 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
