import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../src/cli/run-cli';
import { EMPTY_PROGRESS, markPassed } from '../src/progress/progress';
import { readProgress, writeProgress } from '../src/progress/progress-file';
import { captureIO, createFixture, type Fixture, SOLVED_ADD, STUB_ADD } from './support/fixture';

// In-process runs of every command that does not start vitest (verify and watch are covered by
// cli-process.test.ts, through a real child process).
let fixture: Fixture;
beforeEach(() => {
  // git only where a command needs it (reset): creating a repository costs a few child processes.
  fixture = createFixture({ git: false });
});
const withGit = (): void => {
  fixture.remove();
  fixture = createFixture();
};
afterEach(() => fixture.remove());

const run = async (...argv: string[]) => {
  const capture = captureIO(join(fixture.root, 'exercises/maths'));
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
};

describe('list', () => {
  test('shows every step numbered, the current one, the counts, and what to do next', async () => {
    writeProgress(fixture.root, markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date()));
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout).toContain('1 of 3 steps pass');
    expect(stdout).toMatch(/1 ✓ 01-add\s+Add two numbers/);
    expect(stdout).toMatch(/2 ▶ 02-double\s+Double a number/);
    expect(stdout).toMatch(/3 · 01-add\s+Add again/);
    expect(stdout).toContain('Next: maths/02-double — Double a number');
    expect(stdout).toContain('edit  exercises/maths/src/double.ts');
    expect(stdout).toContain('pnpm workshop verify');
    // Not a terminal: no escape codes.
    expect(stdout).not.toContain('\u001b[');
  });

  test('--color forces colour even when not a terminal', async () => {
    expect((await run('list', '--color')).stdout).toContain('\u001b[');
  });
});

describe('hint', () => {
  test('reveals one more hint per call, remembers it across runs, then says there are no more', async () => {
    const first = await run('hint');
    expect(first.stdout).toContain('Hints for maths/01-add (1 of 2)');
    expect(first.stdout).toContain('1. Think of the + operator.');
    expect(first.stdout).not.toContain('return a + b');
    const second = await run('hint');
    expect(second.stdout).toContain('(2 of 2)');
    expect(second.stdout).toContain('2. return a + b');
    expect(second.stdout).toContain('That was the last hint.');
    const third = await run('hint', 'maths/01-add');
    expect(third.stdout).toContain('No more hints');
    expect(readProgress(fixture.root).steps['maths/01-add']).toEqual({ hintsShown: 2 });
    const list = await run('list');
    expect(list.stdout).toMatch(/01-add\s+Add two numbers\s+hints 2\/2/);
  });

  test('a step without hints points at its readme', async () => {
    const { code, stdout } = await run('hint', '02-double');
    expect(code).toBe(0);
    expect(stdout).toContain('maths/02-double has no hints');
    expect(stdout).toContain('exercises/maths/steps/02-double.md');
  });
});

describe('solution', () => {
  test('refuses before the step passes, then prints the reference file and a diff command', async () => {
    const locked = await run('solution', 'maths/01-add');
    expect(locked.code).toBe(1);
    expect(locked.stdout).toContain('The solution of maths/01-add opens once your version passes.');
    expect(locked.stdout, 'what to run, in the form that started the runner').toContain(
      'pnpm workshop verify maths/01-add',
    );
    expect(locked.stdout).not.toContain('diff ');
    writeProgress(fixture.root, markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date()));
    const open = await run('solution', '1');
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('── solutions/maths/src/add.ts ──');
    expect(open.stdout).toContain(SOLVED_ADD.trim());
    expect(open.stdout).toContain('diff exercises/maths/src/add.ts solutions/maths/src/add.ts');
  });
});

describe('reset', () => {
  test('restores the stub from HEAD, keeps a copy of the learner version and marks the step not passed', async () => {
    withGit();
    const file = join(fixture.root, 'exercises/maths/src/add.ts');
    fixture.write('exercises/maths/src/add.ts', SOLVED_ADD);
    writeProgress(fixture.root, markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date()));
    const { code, stdout } = await run('reset', 'maths/01-add');
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(STUB_ADD);
    expect(stdout).toContain('restored exercises/maths/src/add.ts from the last commit (HEAD)');
    const kept = /kept in (\S+)/.exec(stdout)?.[1];
    expect(kept).toMatch(/^\.chronicle\/backups\/maths\/01-add\//);
    expect(readFileSync(join(fixture.root, kept ?? '', 'src/add.ts'), 'utf8')).toBe(SOLVED_ADD);
    expect(readProgress(fixture.root).steps['maths/01-add']?.passedAt).toBeUndefined();
  });

  test('an untouched stub is restored without a backup', async () => {
    withGit();
    const { stdout } = await run('reset', '3');
    expect(stdout).toContain('the files were already the stub');
    expect(existsSync(join(fixture.root, '.chronicle/backups'))).toBe(false);
  });

  test('outside a git repository it fails with a clear message and touches nothing', async () => {
    fixture.write('exercises/maths/src/add.ts', SOLVED_ADD);
    const { code, stderr } = await run('reset', 'maths/01-add');
    expect(code).toBe(1);
    expect(stderr).toMatch(/error: git rev-parse --is-inside-work-tree failed/);
    expect(readFileSync(join(fixture.root, 'exercises/maths/src/add.ts'), 'utf8')).toBe(SOLVED_ADD);
  });
});

describe('errors', () => {
  test('usage errors exit 2 and point at --help; step errors exit 1 with the candidates', async () => {
    const usage = await run('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Unknown command "frobnicate"');
    expect(usage.stderr).toContain('pnpm workshop --help');
    const ambiguous = await run('hint', '01-add');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/several exercises[\s\S]*maths\/01-add[\s\S]*extra\/01-add/);
  });

  test('a broken manifest is reported with its problems', async () => {
    fixture.write('exercises/extra/workshop.json', JSON.stringify({ title: 'Extra', order: 2, steps: [{}] }));
    const { code, stderr } = await run('list');
    expect(code).toBe(1);
    expect(stderr).toContain('exercises/extra/workshop.json is not a valid workshop manifest');
    expect(stderr).toContain('steps[0].id: must be a non-empty string');
  });

  test('outside any workshop it says where it looked and how to point at one', async () => {
    const capture = captureIO('/');
    expect(await runCli(['list'], capture.io)).toBe(1);
    expect(capture.stderr()).toContain('pass --root <path>');
    const rooted = captureIO('/');
    expect(await runCli(['list', '--root', fixture.root], rooted.io)).toBe(0);
  });

  test('--help prints the commands and exits 0, without needing a workshop', async () => {
    const capture = captureIO('/');
    expect(await runCli(['--help'], capture.io)).toBe(0);
    for (const command of [
      'list',
      'verify [step]',
      'hint [step]',
      'watch [step]',
      'reset <step>',
      'solution <step>',
    ]) {
      expect(capture.stdout()).toContain(command);
    }
  });
});
