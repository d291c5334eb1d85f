import { markNotPassed } from '../../progress/progress';
import { resetStep } from '../../runner/reset-step';
import { findStep } from '../../selection/step-selection';
import { type CommandContext, shown } from '../context';

/** `reset <step>`: restores the step's stub from the last commit, keeping a copy of the learner's version. */
export function resetCommand(ctx: CommandContext, ref: string): number {
  const { style, out } = ctx;
  const step = findStep(ctx.workshop, ref);
  const { restored, backupDir } = resetStep(ctx.workshop.root, step, ctx.now());
  const progress = ctx.readProgress();
  const after = markNotPassed(progress, step.key);
  if (after !== progress) ctx.writeProgress(after);
  for (const path of restored) out(`${style.yellow('↺')} restored ${path} from the last commit (HEAD)`);
  out(
    backupDir === undefined
      ? style.dim('Nothing of yours was lost: the files were already the stub.')
      : `Your previous version is kept in ${shown(ctx, backupDir)}`,
  );
  out(
    `${step.key} starts over (hints you have seen stay available). Begin with ${ctx.invocation} verify ${step.key}`,
  );
  return 0;
}
