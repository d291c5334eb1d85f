import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkshopError } from '../errors';
import type { Step } from '../manifest/manifest-types';

/** The result of running a step's tests. */
export interface TestRun {
  /** Whether every test of the step's file passed. */
  readonly passed: boolean;
  /** vitest's exit code (`null` when it was killed by a signal). */
  readonly exitCode: number | null;
  /** The signal that ended vitest (Ctrl+C sends SIGINT to it too), or `null` when it exited itself. */
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link runStepTests}. */
export interface RunStepTestsOptions {
  /** Extra environment for vitest. Default: the runner's own environment, unchanged. */
  readonly env?: NodeJS.ProcessEnv;
}

const vitestBinFrom = (from: string): string | undefined => {
  try {
    const require = createRequire(join(from, 'noop.js'));
    const manifestPath = require.resolve('vitest/package.json');
    const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    const relative = typeof bin === 'string' ? bin : bin?.vitest;
    return relative === undefined ? undefined : join(dirname(manifestPath), relative);
  } catch {
    return undefined;
  }
};

/**
 * The vitest CLI the step's tests run with: the one the exercise resolves (its own or the
 * repository's), else the one installed next to this runner (vitest is a peer dependency).
 *
 * @throws WorkshopError (`VITEST_NOT_FOUND`) when neither resolves
 */
export function resolveVitestBin(exerciseDir: string): string {
  const bin = vitestBinFrom(exerciseDir) ?? vitestBinFrom(dirname(fileURLToPath(import.meta.url)));
  if (bin === undefined) {
    throw new WorkshopError(
      'VITEST_NOT_FOUND',
      `vitest is not installed where ${exerciseDir} can find it. Run \`pnpm install\` at the repository root.`,
    );
  }
  return bin;
}

/**
 * Runs one step's test file with vitest, from the exercise's folder so its own `vitest.config.ts`
 * (project, `#exercise/*` alias) applies. vitest writes straight to the terminal: its report, in
 * colour on a TTY, is the readable output.
 *
 * @example
 * ```ts
 * const { passed } = await runStepTests(step);
 * ```
 */
export function runStepTests(step: Step, options: RunStepTestsOptions = {}): Promise<TestRun> {
  const bin = resolveVitestBin(step.exercise.dir);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, 'run', step.test], {
      cwd: step.exercise.dir,
      stdio: 'inherit',
      env: { ...process.env, ...options.env },
    });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolvePromise({ passed: exitCode === 0, exitCode, signal }));
  });
}
