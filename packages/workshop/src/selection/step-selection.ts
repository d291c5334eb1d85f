import { WorkshopError } from '../errors';
import type { Exercise, Step, Workshop } from '../manifest/manifest-types';
import { isPassed, type WorkshopProgress } from '../progress/progress';

/**
 * The step to work on: the first that has not passed, in working order. With `within` (the exercise
 * whose folder the learner is in), the first unpassed step of that exercise, when it has one.
 */
export function currentStep(
  workshop: Workshop,
  progress: WorkshopProgress,
  within?: Exercise,
): Step | undefined {
  const open = (step: Step): boolean => !isPassed(progress, step.key);
  return workshop.steps.find((step) => step.exercise === within && open(step)) ?? workshop.steps.find(open);
}

/**
 * Where to go once `step` passes: the first unpassed step after it, else the first unpassed step
 * before it (one skipped earlier), else `undefined` (all done).
 */
export function nextStepAfter(workshop: Workshop, progress: WorkshopProgress, step: Step): Step | undefined {
  const later = workshop.steps.slice(step.index + 1).find((s) => !isPassed(progress, s.key));
  return later ?? workshop.steps.slice(0, step.index).find((s) => !isPassed(progress, s.key));
}

const describe = (steps: readonly Step[]): string => steps.map((s) => `  ${s.key}`).join('\n');

/**
 * Resolves what the learner typed to a step. Accepted, in this order: the full key
 * (`bank-account/02-append`), the step id when only one exercise has it (`02-append`), the step's
 * number in `list` (`3`), or an unambiguous beginning of either (`bank-account/02`, `order/03`).
 *
 * @throws WorkshopError (`UNKNOWN_STEP`) when nothing matches, (`AMBIGUOUS_STEP`) listing the
 *   candidates when several do
 */
export function findStep(workshop: Workshop, ref: string): Step {
  const wanted = ref.trim();
  const { steps } = workshop;
  const exact = steps.find((s) => s.key === wanted);
  if (exact) return exact;
  const byId = steps.filter((s) => s.id === wanted);
  if (byId.length === 1 && byId[0]) return byId[0];
  if (byId.length > 1) {
    throw new WorkshopError(
      'AMBIGUOUS_STEP',
      `"${ref}" is a step of several exercises; say which one:\n${describe(byId)}`,
    );
  }
  // A plain number is the step's number in `list`; with a leading zero ("01") it is a prefix.
  if (/^(0|[1-9][0-9]*)$/.test(wanted)) {
    const numbered = steps[Number(wanted) - 1];
    if (numbered) return numbered;
    throw new WorkshopError(
      'UNKNOWN_STEP',
      `There is no step number ${wanted}: steps are numbered 1 to ${steps.length}; run \`list\` to see them.`,
    );
  }
  const byPrefix =
    wanted === '' ? [] : steps.filter((s) => s.key.startsWith(wanted) || s.id.startsWith(wanted));
  if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0];
  if (byPrefix.length > 1) {
    throw new WorkshopError(
      'AMBIGUOUS_STEP',
      `"${ref}" matches several steps; say which one:\n${describe(byPrefix)}`,
    );
  }
  throw new WorkshopError(
    'UNKNOWN_STEP',
    `There is no step "${ref}". Steps are named like ${steps[0]?.key ?? 'exercise/step'}; run \`list\` to see them all.`,
  );
}
