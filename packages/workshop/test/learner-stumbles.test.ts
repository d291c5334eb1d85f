import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { invocationOf } from '../src/cli/invocation';
import { EMPTY_PROGRESS, markPassed } from '../src/progress/progress';
import { writeProgress } from '../src/progress/progress-file';
import { createFixture, type Fixture, REPO_ROOT, SOLVED_ADD } from './support/fixture';

// The stumbles of a learner's first hour (issue #17), each reproduced the way a learner hits it:
// the runner as a real process, started from an exercise's folder, its output piped.
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;
const ESC = '\u001b';

const cleanEnv = (): NodeJS.ProcessEnv => {
  const { INIT_CWD: _a, FORCE_COLOR: _b, NO_COLOR: _c, npm_lifecycle_event: _d, ...env } = process.env;
  return env;
};

const output = (run: SpawnSyncReturns<string>): string => `${run.stdout}${run.stderr}`;

let fixture: Fixture;
beforeEach(() => {
  fixture = createFixture({ git: false });
});
afterEach(() => fixture.remove());

/** The runner as `node cli.ts`, from `cwd` (default: the fixture's maths exercise folder). */
const runner = (argv: string[], env: NodeJS.ProcessEnv = {}, cwd = join(fixture.root, 'exercises/maths')) =>
  spawnSync(process.execPath, ['--import', TSX_LOADER, CLI, ...argv], {
    cwd,
    env: { ...cleanEnv(), CHRONICLE_WORKSHOP_COMMAND: 'pnpm workshop', ...env },
    encoding: 'utf8',
  });

describe('1. the runner works where learners work', () => {
  test('`pnpm workshop` in an exercise folder lists the steps (the package script), no pnpm error', () => {
    const run = spawnSync('pnpm', ['workshop', '--no-color', '--root', fixture.root], {
      cwd: join(REPO_ROOT, 'exercises/bank-account'),
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(output(run), 'the runner ran and listed the fixture steps').toContain(
      'maths/01-add'.split('/')[1],
    );
    expect(output(run), 'pnpm found the workshop script').not.toContain('ERR_PNPM');
    expect(output(run), 'no stray "undefined" line').not.toMatch(/^undefined$/m);
    expect(run.status, 'exit code of a listing').toBe(0);
  });

  test('the runner started inside an exercise folder finds the repository above it', () => {
    const run = runner(['list', '--no-color']);
    expect(run.status, output(run)).toBe(0);
    expect(run.stdout, 'the steps of the fixture').toContain('01-add');
  });

  test('a failing verify under the `workshop` script ends without pnpm\'s "Command failed" banner', () => {
    const run = spawnSync(
      'pnpm',
      ['workshop', 'verify', 'maths/01-add', '--no-color', '--root', fixture.root],
      {
        cwd: join(REPO_ROOT, 'exercises/bank-account'),
        env: cleanEnv(),
        encoding: 'utf8',
      },
    );
    expect(output(run), 'the runner said the step does not pass').toContain(
      '✗ maths/01-add does not pass yet.',
    );
    expect(output(run), 'pnpm added nothing').not.toContain('ELIFECYCLE');
    expect(output(run), 'the command shown is the one that worked').toContain(
      'pnpm workshop hint maths/01-add',
    );
  });
});

test("inside an exercise folder, the next step is that exercise's, not the first exercise's", () => {
  const run = runner(['list', '--no-color'], {}, join(fixture.root, 'exercises/extra'));
  expect(run.stdout, 'the learner is working on extra, in its folder').toContain('Next: extra/01-add');
  const atRoot = runner(['list', '--no-color'], {}, fixture.root);
  expect(atRoot.stdout, 'at the root, the first unpassed step overall').toContain('Next: maths/01-add');
});

describe('3. verify type-checks', () => {
  test('a type error in a passing step fails verify, shown with file, line and column', () => {
    fixture.write('exercises/maths/src/add.ts', `${SOLVED_ADD}export const n: number = 'not a number';\n`);
    const run = runner(['verify', 'maths/01-add', '--no-color']);
    expect(run.status, output(run)).toBe(1);
    expect(run.stdout, 'the error with its place').toMatch(/exercises\/maths\/src\/add\.ts:2:14\s+TS2322/);
    expect(run.stdout, 'the message').toContain("Type 'string' is not assignable to type 'number'.");
    expect(run.stdout, 'the verdict says why').toContain('Its tests pass, but the code does not type-check');
  });

  test('a type error in another step does not block this one', () => {
    fixture.write('exercises/maths/src/add.ts', SOLVED_ADD);
    fixture.write('exercises/maths/src/double.ts', `export const double = (n: number): string => n * 2;\n`);
    const run = runner(['verify', 'maths/01-add', '--no-color']);
    expect(run.status, output(run)).toBe(0);
  });
});

describe('4. no colour means no escape byte, vitest and error frames included', () => {
  test.each([
    ['--no-color with FORCE_COLOR=1 in the environment', ['--no-color'], { FORCE_COLOR: '1' }],
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['a pipe (no terminal)', [], {}],
  ])('%s: a syntax error and a failing test print no ESC', (_name, flags, env) => {
    fixture.write('exercises/maths/src/double.ts', 'export const double = (;\n');
    const syntax = runner(['verify', 'maths/02-double', ...flags], env);
    expect(output(syntax), 'the syntax error is reported').toMatch(/double\.ts/);
    expect(output(syntax).includes(ESC), `no ESC byte in:\n${output(syntax)}`).toBe(false);
    const failing = runner(['verify', 'maths/01-add', ...flags], env);
    expect(output(failing), 'the failure is reported').toContain('implement me: add');
    expect(output(failing).includes(ESC), `no ESC byte in:\n${output(failing)}`).toBe(false);
  });
});

describe('5. the text is right', () => {
  test('after a syntax error the runner says no test ran, not "the failing tests above"', () => {
    fixture.write('exercises/maths/src/add.ts', 'export const add = (;\n');
    const run = runner(['verify', 'maths/01-add', '--no-color']);
    expect(run.stdout, 'what happened').toContain('No test ran: the test file could not load your code');
    expect(run.stdout, 'not the tests-failed line').not.toContain('The failing tests above');
  });

  test('the last hint of a step that passes says the solution is open, not that it will unlock', () => {
    writeProgress(fixture.root, markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date()));
    runner(['hint', 'maths/01-add']);
    const last = runner(['hint', 'maths/01-add', '--no-color']);
    expect(last.stdout, 'the solution is there').toContain(
      'the reference solution is open: pnpm workshop solution',
    );
    expect(last.stdout, 'no stale promise').not.toContain('unlocks once');
  });

  test('the command printed is the form that started the runner', () => {
    const script = { npm_lifecycle_event: 'workshop', npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20' };
    expect(invocationOf({ ...script, npm_execpath: '/usr/lib/node_modules/pnpm/bin/pnpm.cjs' }), 'pnpm').toBe(
      'pnpm workshop',
    );
    expect(
      invocationOf({ ...script, npm_execpath: '/home/a/.npm/_npx/9f2/node_modules/pnpm/bin/pnpm.cjs' }),
      'npx pnpm: pnpm is not installed',
    ).toBe('npx -y pnpm@10.34.9 workshop');
    expect(
      invocationOf({ npm_lifecycle_event: 'workshop', npm_config_user_agent: 'npm/10 node/v20' }),
      'npm',
    ).toBe('npm run workshop --');
    expect(invocationOf({}, '/x/node_modules/.bin/chronicle-workshop'), 'the installed binary').toBe(
      'chronicle-workshop',
    );
  });

  test('the help says the solution lock is a nudge anyone can bypass by opening solutions/', () => {
    const run = runner(['--help', '--no-color']);
    expect(run.stdout, 'honest about the lock').toContain(
      'the solutions are in solutions/ for anyone who opens them',
    );
    expect(run.stdout, 'no advice to use pnpm -w').not.toContain('pnpm -w');
  });
});
