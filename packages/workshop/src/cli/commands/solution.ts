import { readFileSync } from 'node:fs';
import { unlockSolution } from '../../selection/solution-gate';
import { findStep } from '../../selection/step-selection';
import { type CommandContext, shown } from '../context';

/** `solution <step>`: prints the reference solution of a step that passes. */
export function solutionCommand(ctx: CommandContext, ref: string): number {
  const { style, out } = ctx;
  const step = findStep(ctx.workshop, ref);
  const files = unlockSolution(step, ctx.readProgress());
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
