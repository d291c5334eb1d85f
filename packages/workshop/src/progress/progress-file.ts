import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkshopError } from '../errors';
import { EMPTY_PROGRESS, type StepProgress, type WorkshopProgress } from './progress';

/** Where progress is kept, relative to the workshop root (the folder is gitignored). */
export const PROGRESS_FILE = join('.chronicle', 'workshop-progress.json');

/** The absolute path of the progress file of the workshop at `root`. */
export const progressPath = (root: string): string => join(root, PROGRESS_FILE);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parseStep = (value: unknown): StepProgress | undefined => {
  if (!isRecord(value)) return undefined;
  const { hintsShown, passedAt } = value;
  if (typeof hintsShown !== 'number' || !Number.isInteger(hintsShown) || hintsShown < 0) return undefined;
  if (passedAt === undefined) return { hintsShown };
  if (typeof passedAt !== 'string' || Number.isNaN(Date.parse(passedAt))) return undefined;
  return { hintsShown, passedAt };
};

/**
 * Parses the progress file's text.
 *
 * @throws WorkshopError (`INVALID_PROGRESS`) when it is not progress this runner wrote
 */
export function parseProgress(text: string, source: string): WorkshopProgress {
  const broken = (why: string): WorkshopError =>
    new WorkshopError(
      'INVALID_PROGRESS',
      `${source} cannot be read (${why}). Delete it to start the workshop's progress over; your code is not touched.`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw broken('not valid JSON');
  }
  if (!isRecord(raw) || raw.version !== 1 || !isRecord(raw.steps)) {
    throw broken('expected {"version": 1, "steps": {...}}');
  }
  const steps: Record<string, StepProgress> = {};
  for (const [key, value] of Object.entries(raw.steps)) {
    const step = parseStep(value);
    if (step === undefined) throw broken(`the entry for "${key}" is malformed`);
    steps[key] = step;
  }
  return { version: 1, steps };
}

/**
 * Reads the progress of the workshop at `root`; a missing file means nothing done yet.
 *
 * @throws WorkshopError (`INVALID_PROGRESS`) when the file exists but is not valid progress
 */
export function readProgress(root: string): WorkshopProgress {
  const path = progressPath(root);
  if (!existsSync(path)) return EMPTY_PROGRESS;
  return parseProgress(readFileSync(path, 'utf8'), path);
}

/**
 * Writes the progress of the workshop at `root`. Written to a temporary file and renamed over the
 * old one, so an interrupted run (Ctrl+C in watch mode) never leaves a half-written file.
 */
export function writeProgress(root: string, progress: WorkshopProgress): void {
  const path = progressPath(root);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(temporary, path);
}
