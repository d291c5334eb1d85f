/**
 * The exercises proof (`pnpm test:exercises`), for every `exercises/<name>/workshop.json`:
 *
 *   1. the untouched exercise fails EVERY test of EVERY step, each failure being the stub's
 *      "implement me" error or an assertion, never a syntax error, a missing export or a crash;
 *   2. each step's stub fails its own step's tests even when every other step is solved;
 *   3. the solution passes every test of the very same test files;
 *   4. the manifest matches the files (see check-manifest.ts);
 *   5. the stubs pass the linter (the project's lint leaves learners' files alone: lint-stubs.ts).
 *
 * It proves the COMMITTED packages (`git archive HEAD`), copied to a temporary folder: a learner's
 * work in progress never changes the verdict. `--worktree` checks the working copy instead (for a
 * maintainer, before committing a change to a stub). CHRONICLE_PG_URL, when set, runs the
 * PostgreSQL track as well.
 *
 * Usage: tsx scripts/check-exercises/main.ts [--worktree] [exercise-name ...]   (default: all)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkManifest } from './check-manifest';
import { type CheckResults, PLAN_ENV } from './check-plan';
import { judge } from './judge';
import { lintStubs } from './lint-stubs';
import { type SnapshotSource, takeSnapshot } from './snapshot';
import { stageSteps } from './stage-steps';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const say = (line: string): void => void process.stdout.write(`check-exercises: ${line}\n`);
const complain = (line: string): void => void process.stderr.write(`check-exercises: ${line}\n`);

const vitestBin = (): string => {
  const manifestPath = createRequire(join(root, 'package.json')).resolve('vitest/package.json');
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifestPath), bin.vitest ?? 'vitest.mjs');
};

/** Proves one exercise; returns whether it holds. */
function checkExercise(name: string, source: SnapshotSource): boolean {
  const work = mkdtempSync(join(tmpdir(), `chronicle-check-${name}-`));
  try {
    const snapshotRoot = join(work, 'snapshot');
    const missing = takeSnapshot(root, name, source, snapshotRoot);
    if (missing.length > 0) {
      const hint = source === 'HEAD' ? ' (not committed yet? commit it, or pass --worktree)' : '';
      complain(`${name}: ${missing.join(' and ')} missing${hint}`);
      return false;
    }
    const exerciseDir = join(snapshotRoot, 'exercises', name);
    const reading = checkManifest(exerciseDir, join(snapshotRoot, 'solutions', name));
    if (reading.problems.length > 0 || reading.steps === undefined) {
      complain(`${name}: the manifest does not match the files (${source}):`);
      for (const problem of reading.problems) complain(`  - ${problem}`);
      return false;
    }
    const lint = lintStubs(root, exerciseDir);
    if (lint !== undefined) {
      complain(`${name}: the stubs do not pass the linter (${source}):`);
      process.stderr.write(`${lint}\n`);
      return false;
    }
    const { plan, planPath } = stageSteps(name, snapshotRoot, work, reading.steps);
    say(`${name}: running the stubs, each step's stub alone, and the solution...`);
    const started = Date.now();
    // Failing tests are expected (the stubs'): vitest's exit status says nothing here; the verdict
    // comes from the recorded outcomes. No results file means vitest itself broke.
    const run = spawnSync(
      process.execPath,
      [vitestBin(), 'run', '--config', join(here, 'vitest.check.config.ts')],
      { cwd: exerciseDir, env: { ...process.env, [PLAN_ENV]: planPath, NO_COLOR: '1' }, encoding: 'utf8' },
    );
    if (!existsSync(plan.resultsPath)) {
      complain(`${name}: vitest produced no results; its output:`);
      process.stderr.write(`${run.stdout}${run.stderr}${run.error ? String(run.error) : ''}\n`);
      return false;
    }
    const results = JSON.parse(readFileSync(plan.resultsPath, 'utf8')) as CheckResults;
    const { problems, counts } = judge(plan, results);
    if (problems.length > 0) {
      complain(`${name}: ${problems.length} problem(s):`);
      for (const problem of problems) complain(`  - ${problem}`);
      return false;
    }
    say(
      `${name}: ${plan.steps.length} steps; stubs fail all ${counts.exercise} tests (and ${counts.steps} ` +
        `again with only their own step a stub), the solution passes all ${counts.solution} ` +
        `(${Math.round((Date.now() - started) / 1000)}s)`,
    );
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const source: SnapshotSource = args.includes('--worktree') ? 'worktree' : 'HEAD';
const named = args.filter((a) => !a.startsWith('--'));
const names =
  named.length > 0
    ? named
    : readdirSync(join(root, 'exercises')).filter((n) =>
        existsSync(join(root, 'exercises', n, 'workshop.json')),
      );
if (names.length === 0) {
  complain('no exercises/*/workshop.json found');
  process.exit(1);
}
say(
  source === 'HEAD'
    ? 'proving the committed exercises and solutions (git HEAD); your uncommitted edits are not looked at'
    : 'proving the exercises and solutions as they are on disk (--worktree)',
);
const failed = names.filter((name) => !checkExercise(name, source));
if (failed.length > 0) {
  complain(`FAILED (${failed.join(', ')})`);
  process.exit(1);
}
say(`OK (${names.join(' ')})`);
