import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whose node_modules holds vitest (the fixture links to it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A stub that fails its test until the learner implements it, as exercises' stubs do. */
export const STUB_ADD = `// TODO: return the sum of a and b\nexport const add = (_a: number, _b: number): number => {\n  throw new Error('implement me: add');\n};\n`;
/** What a learner writes to pass the first step. */
export const SOLVED_ADD = `export const add = (a: number, b: number): number => a + b;\n`;
export const STUB_DOUBLE = `export const double = (_n: number): number => {\n  throw new Error('implement me: double');\n};\n`;
export const SOLVED_DOUBLE = `export const double = (n: number): number => n * 2;\n`;

const write = (root: string, path: string, text: string): void => {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/** A tiny workshop in a temp dir: two exercises (`maths` two steps, `extra` one), solutions, a git commit. */
export interface Fixture {
  readonly root: string;
  /** Writes a file relative to the fixture root. */
  write(path: string, text: string): void;
  remove(): void;
}

/** Options of {@link createFixture}. */
export interface FixtureOptions {
  /** Make it a git repository with the stubs committed (needed by `reset`). Default true. */
  readonly git?: boolean;
}

export function createFixture(options: FixtureOptions = {}): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'chronicle-workshop-'));
  // vitest (and the tests' `import 'vitest'`) resolve through the repository's node_modules.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  write(
    root,
    'exercises/maths/workshop.json',
    JSON.stringify({
      title: 'Maths',
      order: 1,
      steps: [
        {
          id: '01-add',
          title: 'Add two numbers',
          files: ['src/add.ts'],
          test: 'test/add.test.ts',
          readme: 'steps/01-add.md',
          hints: ['Think of the + operator.', 'return a + b'],
        },
        {
          id: '02-double',
          title: 'Double a number',
          files: ['src/double.ts'],
          test: 'test/double.test.ts',
          readme: 'steps/02-double.md',
          hints: [],
        },
      ],
    }),
  );
  write(root, 'exercises/maths/src/add.ts', STUB_ADD);
  write(root, 'exercises/maths/src/double.ts', STUB_DOUBLE);
  write(
    root,
    'exercises/maths/test/add.test.ts',
    `import { expect, test } from 'vitest';\nimport { add } from '../src/add';\n\ntest('adds two numbers', () => {\n  expect(add(2, 3)).toBe(5);\n});\n`,
  );
  write(
    root,
    'exercises/maths/test/double.test.ts',
    `import { expect, test } from 'vitest';\nimport { double } from '../src/double';\n\ntest('doubles', () => {\n  expect(double(21)).toBe(42);\n});\n`,
  );
  // The runner type-checks the exercise with its own tsconfig.json, as a real exercise has one.
  write(
    root,
    'exercises/maths/tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        skipLibCheck: true,
        types: [],
      },
      include: ['src', 'test'],
    }),
  );
  write(root, 'exercises/maths/steps/01-add.md', '# Add\n');
  write(root, 'exercises/maths/steps/02-double.md', '# Double\n');
  write(root, 'solutions/maths/src/add.ts', SOLVED_ADD);
  write(root, 'solutions/maths/src/double.ts', SOLVED_DOUBLE);
  write(
    root,
    'exercises/extra/workshop.json',
    JSON.stringify({
      title: 'Extra',
      order: 2,
      steps: [
        {
          id: '01-add',
          title: 'Add again',
          files: ['src/add.ts'],
          test: 'test/add.test.ts',
          readme: 'steps/01-add.md',
          hints: ['Same as before.'],
        },
      ],
    }),
  );
  write(root, 'exercises/extra/src/add.ts', STUB_ADD);
  write(
    root,
    'exercises/extra/test/add.test.ts',
    `import { expect, test } from 'vitest';\nimport { add } from '../src/add';\n\ntest('adds', () => {\n  expect(add(1, 1)).toBe(2);\n});\n`,
  );
  write(root, 'exercises/extra/steps/01-add.md', '# Add again\n');
  write(root, '.gitignore', 'node_modules\n.chronicle/\n');
  if (options.git !== false) {
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.com', ...args], {
        cwd: root,
        stdio: 'ignore',
      });
    };
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'stubs');
  }
  return {
    root,
    write: (path, text) => write(root, path, text),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Captures what the CLI writes, for in-process runs of `runCli`. */
export function captureIO(cwd: string, env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text), isTTY: false },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
      cwd,
      env: { CHRONICLE_WORKSHOP_COMMAND: 'pnpm workshop', ...env },
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
