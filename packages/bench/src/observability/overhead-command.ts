import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PG_URL, defaultDataDir } from '../options';
import { renderOverhead, runOverheadBench } from './overhead';

export const OBSERVABILITY_USAGE = `usage: pnpm bench observability [--rounds N] [--adapters memory,sqlite,postgres] [--quick]

Measures what the OpenTelemetry instrumentation costs: the same appends, readAll and readStream on
an uninstrumented store (off), an instrumented one with no provider registered, and one with the
SDK registered; interleaved rounds in one process. Default: 7 rounds, every adapter.
Writes results/observability.json.`;

/** `pnpm bench observability …`; returns the exit code (1 when the no-provider target is missed). */
export async function observabilityMain(argv: readonly string[], resultsDir: string): Promise<number> {
  let rounds = 7;
  let adapters = ['memory', 'sqlite', 'postgres'];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rounds') rounds = Number(argv[++i]);
    else if (arg === '--adapters') adapters = String(argv[++i]).split(',');
    else if (arg === '--quick') quick = true;
    else {
      process.stderr.write(`unknown argument ${arg}\n\n${OBSERVABILITY_USAGE}\n`);
      return 2;
    }
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write(`--rounds must be a positive integer\n\n${OBSERVABILITY_USAGE}\n`);
    return 2;
  }
  const dataDir = defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  try {
    const results = await runOverheadBench(
      { rounds, adapters, quick, dataDir, postgresUrl: process.env.CHRONICLE_PG_URL || DEFAULT_PG_URL },
      (line) => process.stderr.write(`${line}\n`),
    );
    const table = renderOverhead(results, rounds);
    process.stdout.write(`${table}\n`);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, 'observability.json'),
      `${JSON.stringify({ rounds, quick, results, table }, null, 2)}\n`,
    );
    return table.includes('Target MISSED') ? 1 : 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
