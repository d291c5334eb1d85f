import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Lints the exercise's sources as staged (the committed stubs). biome.json leaves `exercises/<name>/src`
 * out of the project's lint, because that is where learners write their code and their import order
 * must not turn the project's test command red; the stubs are linted here instead.
 *
 * @returns biome's report when it finds problems, `undefined` when the stubs are clean
 */
export function lintStubs(root: string, exerciseDir: string): string | undefined {
  const biome = createRequire(join(root, 'package.json')).resolve('@biomejs/biome/bin/biome');
  const run = spawnSync(
    process.execPath,
    [
      biome,
      'check',
      `--config-path=${join(root, 'biome.json')}`,
      '--vcs-enabled=false',
      '--colors=off',
      join(exerciseDir, 'src'),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`.trim();
}
