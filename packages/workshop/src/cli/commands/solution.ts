import { readFileSync } from 'node:fs';
import { isWorkshopError } from '../../errors';
import { unlockSolution } from '../../selection/solution-gate';
import { findStep } from '../../selection/step-selection';
import { type CommandContext, shown } from '../context';

/** `solution <step>`: prints the reference solution of a step that passes. */
export function solutionCommand(ctx: CommandContext, ref: string): number {
  const { style, out } = ctx;
  const step = findStep(ctx.workshop, ref);
  let files: ReturnType<typeof unlockSolution>;
  try {
    files = unlockSolution(step, ctx.readProgress());
  } catch (error) {
    if (!isWorkshopError(error) || error.code !== 'SOLUTION_LOCKED') throw error;
    // Not an error of the learner's: the step is just not done yet. Say what works from here.
    out(style.yellow(`The solution of ${step.key} opens once your version passes.`));
    out(`  ${style.dim('check yours:')} ${ctx.invocation} verify ${step.key}`);
    out(
      `  ${style.dim('stuck?     ')} ${ctx.invocation} hint ${step.key}  ${style.dim('(one more hint each time)')}`,
    );
    return ctx.notPassingExitCode;
  }
  for (const file of files) {
    out(style.cyan(`── ${shown(ctx, file.solutionPath)} ──`));
    out(readFileSync(file.solutionPath, 'utf8').trimEnd());
    out();
  }
  out(style.dim('Compare with yours:'));
  for (const file of files) {
    out(`  diff ${shown(ctx, file.exercisePath)} ${shown(ctx, file.solutionPath)}`);
  }
  return 0;
}
