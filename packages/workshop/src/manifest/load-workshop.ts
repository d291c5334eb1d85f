import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WorkshopError } from '../errors';
import type { Exercise, Step, Workshop } from './manifest-types';
import { validateManifest } from './validate-manifest';

/** The manifest file each exercise folder holds. */
export const MANIFEST_FILE = 'workshop.json';

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * Finds the workshop's root: the nearest folder, from `start` upwards, that holds an `exercises/`
 * folder. Running from anywhere inside the repository therefore works.
 *
 * @throws WorkshopError (`NO_WORKSHOP`) when no such folder exists above `start`
 * @example
 * ```ts
 * const root = findWorkshopRoot(process.cwd());
 * ```
 */
export function findWorkshopRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (isDirectory(join(dir, 'exercises'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new WorkshopError(
        'NO_WORKSHOP',
        `No exercises/ folder found in ${resolve(start)} or above it. Run the workshop from inside the Chronicle repository, or pass --root <path>.`,
      );
    }
    dir = parent;
  }
}

const readManifest = (dir: string, source: string): unknown => {
  const text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WorkshopError('INVALID_MANIFEST', `${source} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
};

const loadExercise = (root: string, name: string): Exercise => {
  const dir = join(root, 'exercises', name);
  const source = `exercises/${name}/${MANIFEST_FILE}`;
  const manifest = validateManifest(readManifest(dir, source), source);
  const missing: string[] = [];
  for (const step of manifest.steps) {
    for (const [what, path] of [
      ...step.files.map((file) => ['file', file] as const),
      ['test', step.test] as const,
      ['readme', step.readme] as const,
    ]) {
      if (!existsSync(join(dir, path)))
        missing.push(`  - steps "${step.id}": ${what} ${path} does not exist`);
    }
  }
  if (missing.length > 0) {
    throw new WorkshopError(
      'INVALID_MANIFEST',
      `${source} names files that are not there:\n${missing.join('\n')}`,
    );
  }
  return { name, dir, solutionDir: join(root, 'solutions', name), manifest };
};

/**
 * Reads and validates every `exercises/<name>/workshop.json` under `root` and lays the steps out in
 * working order: exercises by `order` (then name), steps as listed. Folders without a manifest are
 * not exercises and are skipped.
 *
 * @throws WorkshopError (`INVALID_MANIFEST`) naming the manifest and every problem in it, including
 *   files it names that do not exist; (`NO_WORKSHOP`) when there is no exercise at all
 * @example
 * ```ts
 * const workshop = loadWorkshop(findWorkshopRoot(process.cwd()));
 * console.log(workshop.steps.map((step) => step.key));
 * ```
 */
export function loadWorkshop(root: string): Workshop {
  const exercisesDir = join(root, 'exercises');
  if (!isDirectory(exercisesDir)) {
    throw new WorkshopError('NO_WORKSHOP', `${root} has no exercises/ folder.`);
  }
  const exercises = readdirSync(exercisesDir)
    .filter((name) => existsSync(join(exercisesDir, name, MANIFEST_FILE)))
    .map((name) => loadExercise(root, name))
    .sort((a, b) => a.manifest.order - b.manifest.order || a.name.localeCompare(b.name));
  if (exercises.length === 0) {
    throw new WorkshopError(
      'NO_WORKSHOP',
      `No exercise in ${exercisesDir}: no folder there has a ${MANIFEST_FILE}.`,
    );
  }
  const steps: Step[] = [];
  for (const exercise of exercises) {
    for (const step of exercise.manifest.steps) {
      steps.push({ ...step, key: `${exercise.name}/${step.id}`, exercise, index: steps.length });
    }
  }
  return { root, exercises, steps };
}
