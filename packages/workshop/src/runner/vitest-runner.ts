import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkshopError } from '../errors';
import type { Step } from '../manifest/manifest-types';
import { stripAnsi } from './strip-ansi';

/** The result of running a step's tests. */
export interface TestRun {
  /** Whether every test of the step's file passed. */
  readonly passed: boolean;
  /** vitest's exit code (`null` when it was killed by a signal). */
  readonly exitCode: number | null;
  /** The signal that ended vitest (Ctrl+C sends SIGINT to it too), or `null` when it exited itself. */
  readonly signal: NodeJS.Signals | null;
  /**
   * How many tests ran; 0 when the test file could not even be loaded (a syntax error or a missing
   * export in the learner's code), `undefined` when vitest wrote no report.
   */
  readonly testsRun: number | undefined;
}

/** Options of {@link runStepTests}. */
export interface RunStepTestsOptions {
  /** Extra environment for vitest. Default: the runner's own environment, unchanged. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Colour in vitest's report: `false` strips every escape sequence (vitest's own and those of
   * the error frames it prints), `true` forces colour, `undefined` lets vitest decide. Default `undefined`.
   */
  readonly color?: boolean;
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

const colorEnv = (color: boolean | undefined): NodeJS.ProcessEnv => {
  if (color === undefined) return {};
  return color ? { FORCE_COLOR: '1', NO_COLOR: undefined } : { NO_COLOR: '1', FORCE_COLOR: undefined };
};

const countTests = (reportPath: string): number | undefined => {
  try {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { numTotalTests?: unknown };
    return typeof report.numTotalTests === 'number' ? report.numTotalTests : undefined;
  } catch {
    return undefined;
  }
};

/** vitest's note about the JSON report the runner asked for: the learner did not ask for it. */
const REPORT_NOTE = /^JSON report written to .*\n?$/gm;

/**
 * Copies a child's output stream to `to`, line by line (so that no escape sequence is cut in two
 * between chunks), without the JSON report note and, when asked, without escape sequences. The
 * returned function flushes the last, unfinished line.
 */
function relay(
  from: NodeJS.ReadableStream,
  to: { write(text: string): unknown },
  strip: boolean,
): () => void {
  let carry = '';
  const write = (text: string): void => {
    const shown = (strip ? stripAnsi(text) : text).replace(REPORT_NOTE, '');
    if (shown !== '') to.write(shown);
  };
  // Decoded as UTF-8 by the stream, so a character split between chunks stays whole.
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = carry + chunk;
    const end = text.lastIndexOf('\n') + 1;
    carry = text.slice(end);
    if (end > 0) write(text.slice(0, end));
  });
  return () => {
    if (carry !== '') write(carry);
    carry = '';
  };
}

/**
 * Runs one step's test file with vitest, from the exercise's folder so its own `vitest.config.ts`
 * (project, `#exercise/*` alias) applies. vitest's report goes to the runner's stdout and stderr;
 * with `color: false` every escape sequence is taken out of it, whatever vitest or the code frames
 * of a syntax error put in.
 *
 * @param output where vitest's report goes (default: this process's stdout and stderr)
 * @example
 * ```ts
 * const { passed } = await runStepTests(step, { color: false });
 * ```
 */
export function runStepTests(
  step: Step,
  options: RunStepTestsOptions = {},
  output: {
    readonly stdout: { write(text: string): unknown };
    readonly stderr: { write(text: string): unknown };
  } = process,
): Promise<TestRun> {
  const bin = resolveVitestBin(step.exercise.dir);
  const reportDir = mkdtempSync(join(tmpdir(), 'chronicle-workshop-run-'));
  const reportPath = join(reportDir, 'report.json');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, ...colorEnv(options.color) };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const strip = options.color === false;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [bin, 'run', step.test, '--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`],
      { cwd: step.exercise.dir, stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    const pipes = [relay(child.stdout, output.stdout, strip), relay(child.stderr, output.stderr, strip)];
    child.once('error', (error) => {
      rmSync(reportDir, { recursive: true, force: true });
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      for (const flush of pipes) flush();
      const testsRun = countTests(reportPath);
      rmSync(reportDir, { recursive: true, force: true });
      resolvePromise({ passed: exitCode === 0, exitCode, signal, testsRun });
    });
  });
}
