import { isPassed } from '../../progress/progress';
import { revealNextHint } from '../../selection/hints';
import { currentStep, findStep } from '../../selection/step-selection';
import { type CommandContext, shown } from '../context';

/** `hint [step]`: reveals one more hint of the named or current step and repeats the earlier ones. */
export function hintCommand(ctx: CommandContext, ref: string | undefined): number {
  const { style, out } = ctx;
  const progress = ctx.readProgress();
  const step =
    ref === undefined ? currentStep(ctx.workshop, progress, ctx.here) : findStep(ctx.workshop, ref);
  if (step === undefined) {
    out(
      style.green('Every step passes: no hint needed. Name a step to see its hints: ') +
        `${ctx.invocation} hint <step>`,
    );
    return 0;
  }
  const readme = shown(ctx, `${step.exercise.dir}/${step.readme}`);
  if (step.hints.length === 0) {
    out(`${step.key} has no hints. Its readme explains the goal: ${readme}`);
    return 0;
  }
  const reveal = revealNextHint(step, progress);
  if (reveal.progress !== progress) ctx.writeProgress(reveal.progress);
  out(`${style.bold(`Hints for ${step.key}`)} ${style.dim(`(${reveal.seen.length} of ${reveal.total})`)}`);
  reveal.seen.forEach((hint, i) => {
    const isNew = reveal.revealed !== undefined && i === reveal.seen.length - 1;
    const text = `  ${i + 1}. ${hint}`;
    out(isNew ? style.yellow(text) : style.dim(text));
  });
  out();
  if (reveal.revealed === undefined || reveal.seen.length === reveal.total) {
    out(
      `${reveal.revealed === undefined ? 'No more hints: that was all of them.' : 'That was the last hint.'} ` +
        `The goal is explained in ${readme}; ` +
        (isPassed(reveal.progress, step.key)
          ? `your version passes, so the reference solution is open: ${ctx.invocation} solution ${step.key}`
          : 'the reference solution unlocks once your version passes.'),
    );
  } else {
    out(style.dim(`Run ${ctx.invocation} hint again for the next one.`));
  }
  return 0;
}
