import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { type CheckPlan, PLAN_ENV } from '../check-exercises/check-plan';

// Issue #17 item 7: a failing exercise check must say, in the learner's terms, what is expected.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The `expect(value)` calls without a message, as `line: text`. */
function bareExpects(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const bare: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'expect' &&
      node.arguments.length < 2
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      bare.push(`${line + 1}: ${node.getText().slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return bare;
}

const testFiles = ['bank-account', 'order'].flatMap((name) =>
  readdirSync(join(root, 'exercises', name, 'test'))
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `${name}/test/${file}`),
);

describe('every exercise assertion carries a message', () => {
  test('the exercise test files are found', () => {
    expect(testFiles.length, 'no exercise test files found: the check would pass vacuously').toBeGreaterThan(
      0,
    );
  });

  test.each(testFiles)('%s', (file) => {
    expect(bareExpects(join(root, 'exercises', file)), `expect(value) without a message in ${file}`).toEqual(
      [],
    );
  });
});

test('dropping the occurred_at index fails with a message that says which index is missing', () => {
  const work = mkdtempSync(join(tmpdir(), 'chronicle-index-step-'));
  try {
    const srcDir = join(work, 'steps', 'index', 'src');
    cpSync(join(root, 'solutions/bank-account/src'), srcDir, { recursive: true });
    symlinkSync(
      join(root, 'solutions/bank-account/node_modules'),
      join(work, 'steps', 'node_modules'),
      'junction',
    );
    const schema = join(srcDir, '01-schema.ts');
    const without = readFileSync(schema, 'utf8').replace(/^.*idx_events_occurred_at.*$/m, '');
    expect(without, 'the solution has the occurred_at index to drop').not.toContain('idx_events_occurred_at');
    writeFileSync(schema, without);
    const plan: CheckPlan = {
      name: 'bank-account',
      snapshotRoot: root,
      exerciseDir: join(root, 'exercises/bank-account'),
      solutionDir: join(root, 'solutions/bank-account'),
      exerciseProject: 'exercise-bank-account',
      solutionProject: 'solution-bank-account',
      tests: [],
      steps: [{ id: 'index', project: 'check-index', test: 'test/01-schema.test.ts', srcDir }],
      resultsPath: join(work, 'results.json'),
    };
    writeFileSync(join(work, 'plan.json'), JSON.stringify(plan));
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const run = spawnSync(
      process.execPath,
      [
        vitest,
        'run',
        '--config',
        join(root, 'scripts/check-exercises/vitest.check.config.ts'),
        '--project',
        'check-index',
      ],
      {
        cwd: join(root, 'exercises/bank-account'),
        env: { ...process.env, [PLAN_ENV]: join(work, 'plan.json'), NO_COLOR: '1' },
        encoding: 'utf8',
      },
    );
    const results = JSON.parse(readFileSync(plan.resultsPath, 'utf8')) as {
      tests: { test: string; state: string; errors: { message: string }[] }[];
    };
    const failed = results.tests.filter((t) => t.state === 'failed');
    expect(
      failed.map((t) => t.test),
      `only the index test fails:\n${run.stdout}${run.stderr}`,
    ).toEqual([expect.stringContaining('has indexes')]);
    expect(failed[0]?.errors[0]?.message, 'the learner is told what to add').toContain(
      'finding events by time must use an index: CREATE INDEX IF NOT EXISTS idx_events_occurred_at ON events (occurred_at)',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
