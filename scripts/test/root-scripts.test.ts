import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scripts = (path: string): Record<string, string> =>
  (JSON.parse(readFileSync(join(root, path), 'utf8')) as { scripts: Record<string, string> }).scripts;

// Issue #17 item 8: Turborepo's telemetry banner must not greet a learner's first `pnpm test`.
test('every root script that runs turbo disables its telemetry', () => {
  const withTurbo = Object.entries(scripts('package.json')).filter(([, command]) =>
    /\bturbo\b/.test(command),
  );
  expect(withTurbo.length, 'some scripts run turbo').toBeGreaterThan(0);
  for (const [name, command] of withTurbo) {
    for (const call of command.split('&&').filter((part) => /\bturbo\b/.test(part))) {
      expect(call.trim(), `script "${name}" must set TURBO_TELEMETRY_DISABLED=1 before turbo`).toMatch(
        /^TURBO_TELEMETRY_DISABLED=1 turbo /,
      );
    }
  }
});

// Issue #17 item 1: learners work inside the exercises' folders.
test.each(['exercises/bank-account', 'exercises/order'])('%s has the workshop and test scripts', (dir) => {
  const { workshop, test: tests } = scripts(`${dir}/package.json`);
  expect(workshop, '`pnpm workshop` in the folder runs the runner').toBe(
    'tsx ../../packages/workshop/src/cli.ts',
  );
  expect(tests, '`pnpm test` in the folder runs its tests').toBe('vitest run');
});
