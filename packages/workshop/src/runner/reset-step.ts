import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { WorkshopError } from '../errors';
import type { Step } from '../manifest/manifest-types';

/** What {@link resetStep} did. */
export interface ResetResult {
  /** The restored files, relative to the workshop root. */
  readonly restored: readonly string[];
  /** Where the learner's previous versions were copied, or `undefined` when none differed from the stub. */
  readonly backupDir: string | undefined;
}

const git = (root: string, args: readonly string[]): Buffer => {
  try {
    return execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new WorkshopError('GIT_FAILED', `git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, {
      cause: error,
    });
  }
};

/**
 * Puts the stub of `step` back: each file the step edits is restored from the last commit (`HEAD`).
 * Nothing is lost: a file that differs from the stub is first copied to
 * `.chronicle/backups/<exercise>/<step>/<time>/`.
 *
 * @throws WorkshopError (`GIT_FAILED`) when `root` is not in a git repository or a file is not in `HEAD`
 * @example
 * ```ts
 * const { restored, backupDir } = resetStep(workshop.root, step);
 * ```
 */
export function resetStep(root: string, step: Step, now: Date = new Date()): ResetResult {
  const paths = step.files.map((file) => relative(root, join(step.exercise.dir, file)).split('\\').join('/'));
  git(root, ['rev-parse', '--is-inside-work-tree']);
  const stubs = paths.map((path) => {
    try {
      return git(root, ['show', `HEAD:./${path}`]);
    } catch (error) {
      throw new WorkshopError(
        'GIT_FAILED',
        `${path} is not in the last commit (HEAD), so there is no stub to restore it from.`,
        { cause: error },
      );
    }
  });
  const stamp = now.toISOString().replaceAll(':', '-');
  const backupDir = join(root, '.chronicle', 'backups', step.exercise.name, step.id, stamp);
  let backedUp = false;
  paths.forEach((path, i) => {
    const current = join(root, path);
    if (!existsSync(current) || readFileSync(current).equals(stubs[i] ?? Buffer.alloc(0))) return;
    const target = join(backupDir, step.files[i] ?? path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(current, target);
    backedUp = true;
  });
  git(root, ['restore', '--source=HEAD', '--worktree', '--', ...paths]);
  return { restored: paths, backupDir: backedUp ? backupDir : undefined };
}
