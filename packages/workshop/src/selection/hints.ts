import type { Step } from '../manifest/manifest-types';
import { setHintsShown, stepProgress, type WorkshopProgress } from '../progress/progress';

/** What {@link revealNextHint} found. */
export interface HintReveal {
  /** The progress to store (unchanged when no hint was left). */
  readonly progress: WorkshopProgress;
  /** Every hint seen so far, the new one last. */
  readonly seen: readonly string[];
  /** The hint revealed by this call, or `undefined` when all had been seen already. */
  readonly revealed: string | undefined;
  /** How many hints the step has. */
  readonly total: number;
}

/**
 * Reveals one more hint of `step`: the first call shows the nudge, later calls go towards the
 * near-answer; once all are seen it reveals nothing more and says so. The count is kept in progress,
 * so it carries over between runs.
 *
 * @example
 * ```ts
 * const { progress: next, revealed } = revealNextHint(step, progress);
 * writeProgress(root, next);
 * ```
 */
export function revealNextHint(step: Step, progress: WorkshopProgress): HintReveal {
  const total = step.hints.length;
  // A manifest may have lost hints since they were counted: never index past the end.
  const shown = Math.min(stepProgress(progress, step.key).hintsShown, total);
  if (shown >= total) {
    return { progress, seen: step.hints.slice(0, total), revealed: undefined, total };
  }
  return {
    progress: setHintsShown(progress, step.key, shown + 1),
    seen: step.hints.slice(0, shown + 1),
    revealed: step.hints[shown],
    total,
  };
}
