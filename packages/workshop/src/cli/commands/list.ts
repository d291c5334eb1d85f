import type { Step } from '../../manifest/manifest-types';
import { isPassed, stepProgress, type WorkshopProgress } from '../../progress/progress';
import { currentStep } from '../../selection/step-selection';
import { type CommandContext, shown, stepTitle, stepWhereabouts } from '../context';

/** `list`: every exercise and step, numbered, with what has passed, the current step and hints seen. */
export function listCommand(ctx: CommandContext): number {
  const { workshop, style, out } = ctx;
  const progress = ctx.readProgress();
  const current = currentStep(workshop, progress, ctx.here);
  const done = workshop.steps.filter((step) => isPassed(progress, step.key)).length;
  const total = workshop.steps.length;
  out(`${style.bold('Chronicle workshop')}: ${done} of ${total} steps pass`);
  const width = Math.max(...workshop.steps.map((step) => step.id.length));
  const numberWidth = String(total).length;
  for (const exercise of workshop.exercises) {
    out();
    out(`${style.bold(exercise.manifest.title)}  ${style.dim(shown(ctx, exercise.dir))}`);
    for (const step of workshop.steps.filter((s) => s.exercise === exercise)) {
      out(stepLine(ctx, progress, step, step === current, width, numberWidth));
    }
  }
  out();
  if (current === undefined) {
    out(
      style.green(
        `Every step passes. Well done! Compare with the reference: ${ctx.invocation} solution <step>`,
      ),
    );
    return 0;
  }
  out(`${style.cyan('Next:')} ${stepTitle(ctx, current)}`);
  for (const line of stepWhereabouts(ctx, current)) out(line);
  out(
    `  ${style.dim('run ')}  ${ctx.invocation} verify   ${style.dim(`(or ${ctx.invocation} watch to re-run on save)`)}`,
  );
  return 0;
}

function stepLine(
  ctx: CommandContext,
  progress: WorkshopProgress,
  step: Step,
  isCurrent: boolean,
  width: number,
  numberWidth: number,
): string {
  const { style } = ctx;
  const passed = isPassed(progress, step.key);
  const mark = passed ? style.green('✓') : isCurrent ? style.cyan('▶') : style.dim('·');
  const { hintsShown } = stepProgress(progress, step.key);
  const hints =
    hintsShown > 0
      ? style.dim(`  hints ${Math.min(hintsShown, step.hints.length)}/${step.hints.length}`)
      : '';
  const id = step.id.padEnd(width);
  const number = style.dim(String(step.index + 1).padStart(numberWidth));
  return `  ${number} ${mark} ${isCurrent ? style.bold(id) : id}  ${step.title}${hints}`;
}
