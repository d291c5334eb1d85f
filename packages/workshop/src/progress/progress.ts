/** What the runner remembers about one step. */
export interface StepProgress {
  /** When the step's tests last went green (ISO 8601); absent while it has not passed. */
  readonly passedAt?: string;
  /** How many of the step's hints the learner has seen. */
  readonly hintsShown: number;
}

/** The content of `.chronicle/workshop-progress.json`. */
export interface WorkshopProgress {
  /** The file format's version. */
  readonly version: 1;
  /** Per step, keyed by `<exercise>/<step id>`. Keys of steps that no longer exist are kept, harmlessly. */
  readonly steps: Readonly<Record<string, StepProgress>>;
}

/** Progress of someone who has not started. */
export const EMPTY_PROGRESS: WorkshopProgress = { version: 1, steps: {} };

const NOT_STARTED: StepProgress = { hintsShown: 0 };

/** The progress of one step (not started when the file has nothing on it). */
export const stepProgress = (progress: WorkshopProgress, key: string): StepProgress =>
  Object.hasOwn(progress.steps, key) ? (progress.steps[key] ?? NOT_STARTED) : NOT_STARTED;

/** Whether the step's tests have passed (as last recorded). */
export const isPassed = (progress: WorkshopProgress, key: string): boolean =>
  stepProgress(progress, key).passedAt !== undefined;

const withStep = (progress: WorkshopProgress, key: string, step: StepProgress): WorkshopProgress => ({
  version: 1,
  steps: { ...progress.steps, [key]: step },
});

/** Records that the step passed at `at`; the first pass time is kept when it passes again. */
export function markPassed(progress: WorkshopProgress, key: string, at: Date): WorkshopProgress {
  const current = stepProgress(progress, key);
  if (current.passedAt !== undefined) return progress;
  return withStep(progress, key, { ...current, passedAt: at.toISOString() });
}

/** Records that the step no longer passes (after `reset`, or when its tests fail again); hints seen stay seen. */
export function markNotPassed(progress: WorkshopProgress, key: string): WorkshopProgress {
  const { passedAt: _dropped, ...rest } = stepProgress(progress, key);
  if (_dropped === undefined) return progress;
  return withStep(progress, key, rest);
}

/** Records that `count` hints of the step have been seen. */
export function setHintsShown(progress: WorkshopProgress, key: string, count: number): WorkshopProgress {
  return withStep(progress, key, { ...stepProgress(progress, key), hintsShown: count });
}
