import { WorkshopError } from '../errors';
import type { ExerciseManifest, StepManifest } from './manifest-types';

const STEP_ID = /^[a-z0-9][a-z0-9-]*$/;

type Problems = string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown, at: string, problems: Problems): string => {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${at}: must be a non-empty string`);
    return '';
  }
  return value;
};

/** A path inside the exercise folder: relative, forward slashes, no `..` step out of it. */
const relativePath = (value: unknown, at: string, problems: Problems): string => {
  const path = text(value, at, problems);
  if (path === '') return path;
  const segments = path.split(/[\\/]/);
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || segments.includes('..')) {
    problems.push(`${at}: must be a relative path inside the exercise folder, got "${path}"`);
  }
  return path;
};

const step = (value: unknown, at: string, problems: Problems): StepManifest | undefined => {
  if (!isRecord(value)) {
    problems.push(`${at}: must be an object`);
    return undefined;
  }
  const id = text(value.id, `${at}.id`, problems);
  if (id !== '' && !STEP_ID.test(id)) {
    problems.push(`${at}.id: must be kebab-case (a-z, 0-9, -), got "${id}"`);
  }
  const files: string[] = [];
  if (!Array.isArray(value.files) || value.files.length === 0) {
    problems.push(`${at}.files: must be a non-empty array of paths`);
  } else {
    value.files.forEach((file, i) => {
      files.push(relativePath(file, `${at}.files[${i}]`, problems));
    });
  }
  const hints: string[] = [];
  if (!Array.isArray(value.hints)) {
    problems.push(`${at}.hints: must be an array of strings (it may be empty)`);
  } else {
    value.hints.forEach((hint, i) => {
      hints.push(text(hint, `${at}.hints[${i}]`, problems));
    });
  }
  return {
    id,
    title: text(value.title, `${at}.title`, problems),
    files,
    test: relativePath(value.test, `${at}.test`, problems),
    readme: relativePath(value.readme, `${at}.readme`, problems),
    hints,
  };
};

/**
 * Checks a parsed `workshop.json` and returns it typed. Every problem is reported at once, each with
 * the JSON path where it is, so an author fixes the manifest in one go.
 *
 * @param source how to name the manifest in the message, e.g. `exercises/order/workshop.json`
 * @throws WorkshopError (`INVALID_MANIFEST`) listing every problem
 * @example
 * ```ts
 * const manifest = validateManifest(JSON.parse(text), 'exercises/order/workshop.json');
 * ```
 */
export function validateManifest(raw: unknown, source: string): ExerciseManifest {
  const problems: Problems = [];
  if (!isRecord(raw)) {
    throw new WorkshopError(
      'INVALID_MANIFEST',
      `${source}: must be a JSON object with title, order and steps`,
    );
  }
  const title = text(raw.title, 'title', problems);
  if (typeof raw.order !== 'number' || !Number.isFinite(raw.order)) {
    problems.push('order: must be a number');
  }
  const steps: StepManifest[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
    problems.push('steps: must be a non-empty array');
  } else {
    const seen = new Set<string>();
    raw.steps.forEach((value, i) => {
      const parsed = step(value, `steps[${i}]`, problems);
      if (parsed === undefined) return;
      if (parsed.id !== '' && seen.has(parsed.id)) {
        problems.push(`steps[${i}].id: "${parsed.id}" is used by an earlier step`);
      }
      seen.add(parsed.id);
      steps.push(parsed);
    });
  }
  if (problems.length > 0) {
    throw new WorkshopError(
      'INVALID_MANIFEST',
      `${source} is not a valid workshop manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return { title, order: raw.order as number, steps };
}
