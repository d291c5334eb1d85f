import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WorkshopError } from '../errors';
import type { Step } from '../manifest/manifest-types';
import { isPassed, type WorkshopProgress } from '../progress/progress';

/** One file of a step's reference solution. */
export interface SolutionFile {
  /** The path as the manifest names it, relative to the exercise folder. */
  readonly file: string;
  /** Absolute path of the learner's version. */
  readonly exercisePath: string;
  /** Absolute path of the reference version: the same relative path under `solutions/<name>/`. */
  readonly solutionPath: string;
}

/**
 * The reference solution's files of `step`, available only once the learner's own version passes:
 * reading the answer before trying is what the hints are for.
 *
 * @throws WorkshopError (`SOLUTION_LOCKED`) while the step has not passed; (`SOLUTION_MISSING`) when
 *   a solution file is not in `solutions/<name>/`
 * @example
 * ```ts
 * for (const { solutionPath } of unlockSolution(step, progress)) console.log(readFileSync(solutionPath, 'utf8'));
 * ```
 */
export function unlockSolution(step: Step, progress: WorkshopProgress): SolutionFile[] {
  if (!isPassed(progress, step.key)) {
    throw new WorkshopError(
      'SOLUTION_LOCKED',
      `The solution of ${step.key} unlocks once your version passes. Run \`verify ${step.key}\`; stuck? \`hint ${step.key}\` shows one more hint each time.`,
    );
  }
  const files = step.files.map((file) => ({
    file,
    exercisePath: join(step.exercise.dir, file),
    solutionPath: join(step.exercise.solutionDir, file),
  }));
  const missing = files.filter((f) => !existsSync(f.solutionPath));
  if (missing.length > 0) {
    throw new WorkshopError(
      'SOLUTION_MISSING',
      `No reference solution for ${step.key}: ${missing.map((f) => f.solutionPath).join(', ')} does not exist.`,
    );
  }
  return files;
}
