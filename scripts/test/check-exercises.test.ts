import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { checkManifest } from '../check-exercises/check-manifest';
import { takeSnapshot } from '../check-exercises/snapshot';

// A learner who has solved a step has replaced its stub: the proof that stubs fail must look at the
// committed stub, or the project's test command turns red on the learner's progress (issue #17).
const STUB = `import { NotImplementedError } from './not-implemented-error';\n// TODO: add a and b\nexport const add = (_a: number, _b: number): number => {\n  throw new NotImplementedError('01-add', 'add');\n};\n`;
const SOLVED = `export const add = (a: number, b: number): number => a + b;\n`;

let root: string;
const write = (path: string, text: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const git = (...args: string[]): void => {
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: root });
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'chronicle-check-test-'));
  const step = { id: '01-add', files: ['src/add.ts'], test: 'test/add.test.ts', readme: 'steps/01-add.md' };
  write('exercises/maths/workshop.json', JSON.stringify({ steps: [{ ...step, hints: ['a + b'] }] }));
  write('exercises/maths/src/add.ts', STUB);
  write('exercises/maths/test/add.test.ts', '// the step test\n');
  write('exercises/maths/steps/01-add.md', '# Add\n');
  write('solutions/maths/src/add.ts', SOLVED);
  write('tsconfig.base.json', '{}\n');
  git('init', '--quiet');
  git('add', '.');
  git('commit', '--quiet', '-m', 'stubs');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('a learner who solved a step does not break the proof: it reads the committed stub', () => {
  write('exercises/maths/src/add.ts', SOLVED);
  const snapshot = join(root, '.snapshot');
  expect(takeSnapshot(root, 'maths', 'HEAD', snapshot), 'nothing is missing from HEAD').toEqual([]);
  expect(readFileSync(join(snapshot, 'exercises/maths/src/add.ts'), 'utf8'), 'the stub as committed').toBe(
    STUB,
  );
  const reading = checkManifest(join(snapshot, 'exercises/maths'), join(snapshot, 'solutions/maths'));
  expect(reading.problems, 'the committed exercise is consistent').toEqual([]);
});

test('--worktree checks the working copy, where the solved step is no stub any more', () => {
  write('exercises/maths/src/add.ts', SOLVED);
  const snapshot = join(root, '.snapshot');
  takeSnapshot(root, 'maths', 'worktree', snapshot);
  const reading = checkManifest(join(snapshot, 'exercises/maths'), join(snapshot, 'solutions/maths'));
  expect(reading.problems, 'the working copy has the solved file, not the stub').toContain(
    'step 01-add: src/add.ts has no // TODO guidance',
  );
});

test('an exercise that is not committed yet is reported as missing from HEAD', () => {
  write('exercises/fresh/workshop.json', '{"steps":[]}');
  expect(takeSnapshot(root, 'fresh', 'HEAD', join(root, '.snapshot')), 'both packages are missing').toEqual([
    'exercises/fresh',
    'solutions/fresh',
  ]);
});
