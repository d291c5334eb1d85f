import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { EMPTY_PROGRESS, markPassed } from '../src/progress/progress';
import { readProgress, writeProgress } from '../src/progress/progress-file';
import { createFixture, type Fixture, SOLVED_ADD, SOLVED_DOUBLE } from './support/fixture';

// The CLI as a learner runs it: a real node process (TypeScript through tsx's loader, as
// `pnpm workshop` does), which itself starts vitest on the fixture's step tests.
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

let fixture: Fixture;
beforeEach(() => {
  fixture = createFixture({ git: false });
});
afterEach(() => fixture.remove());

interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once the output holds `text` `times` times. */
  waitFor(text: string, times?: number): Promise<void>;
  exited: Promise<number | null>;
}

function start(...argv: string[]): Running {
  const { INIT_CWD: _ignored, FORCE_COLOR: _also, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...argv], {
    cwd: fixture.root,
    env: { ...env, NO_COLOR: '1', CHRONICLE_WORKSHOP_COMMAND: 'pnpm workshop' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const count = (text: string): number => output.split(text).length - 1;
  return {
    child,
    output: () => output,
    exited,
    waitFor: (text, times = 1) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (count(text) >= times) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        exited.then(() => reject(new Error(`exited before printing "${text}" x${times}:\n${output}`)));
        check();
      }),
  };
}

test('verify: red on the stub (exit 1), green once solved (exit 0, progress saved), then the solution unlocks', async () => {
  const red = start('verify');
  expect(await red.exited).toBe(1);
  expect(red.output()).toContain('▶ maths/01-add — Add two numbers');
  expect(red.output()).toContain('implement me: add');
  expect(red.output()).toContain('✗ maths/01-add does not pass yet.');
  expect(red.output()).toContain('pnpm workshop hint maths/01-add');
  expect(red.output()).not.toContain('\u001b[');
  expect(readProgress(fixture.root).steps['maths/01-add']).toBeUndefined();

  fixture.write('exercises/maths/src/add.ts', SOLVED_ADD);
  const green = start('verify');
  expect(await green.exited).toBe(0);
  expect(green.output()).toContain('✓ maths/01-add passes.');
  expect(green.output()).toContain('Next: maths/02-double — Double a number');
  expect(readProgress(fixture.root).steps['maths/01-add']?.passedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

  const solution = start('solution', 'maths/01-add');
  expect(await solution.exited).toBe(0);
  expect(solution.output()).toContain(SOLVED_ADD.trim());
});

test('watch: re-runs on save, moves on to the next step when green, stops cleanly on SIGINT', async () => {
  fixture.write('exercises/maths/src/add.ts', SOLVED_ADD);
  const watch = start('watch');
  try {
    // Step 1 already passes: watch records it and moves straight on to step 2, which fails.
    await watch.waitFor('✓ maths/01-add passes.');
    await watch.waitFor('moving on to maths/02-double');
    await watch.waitFor('Watching for changes');
    fixture.write('exercises/maths/src/double.ts', SOLVED_DOUBLE);
    await watch.waitFor('src/double.ts changed: running the tests again');
    await watch.waitFor('✓ maths/02-double passes.');
    await watch.waitFor('moving on to extra/01-add');
    await watch.waitFor('Watching for changes', 2);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(watch.output()).toContain('Stopped watching. Progress is saved');
  } finally {
    watch.child.kill('SIGKILL');
  }
  const { steps } = readProgress(fixture.root);
  expect(Object.keys(steps).filter((key) => steps[key]?.passedAt !== undefined)).toEqual([
    'maths/01-add',
    'maths/02-double',
  ]);
});

test('verify: a test run killed by a signal (Ctrl+C) leaves progress as it was', async () => {
  writeProgress(fixture.root, markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date('2026-01-01T00:00:00Z')));
  // The test kills vitest itself (its parent: vitest runs test files in forked workers), as a Ctrl+C would.
  fixture.write(
    'exercises/maths/test/add.test.ts',
    `import { test } from 'vitest';\n\ntest('dies', () => {\n  process.kill(process.ppid, 'SIGKILL');\n});\n`,
  );
  const run = start('verify', 'maths/01-add');
  expect(await run.exited).toBe(1);
  expect(run.output()).toContain(
    'The test run of maths/01-add was interrupted (SIGKILL); progress is unchanged.',
  );
  expect(run.output()).not.toContain('does not pass yet');
  expect(readProgress(fixture.root).steps['maths/01-add']?.passedAt).toBe('2026-01-01T00:00:00.000Z');
});
