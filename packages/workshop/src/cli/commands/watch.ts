import { dirname, join } from 'node:path';
import type { Step } from '../../manifest/manifest-types';
import { ChangeWatcher } from '../../runner/change-watcher';
import { currentStep, findStep, nextStepAfter } from '../../selection/step-selection';
import { type CommandContext, shown, stepTitle } from '../context';
import { verifyStep } from './verify';

const watchedDirs = (step: Step): string[] =>
  [...step.files, step.test].map((file) => dirname(join(step.exercise.dir, file)));

/**
 * `watch [step]`: runs the step's tests, then again on every save of its files or tests; once green,
 * moves on to the next unpassed step and runs it at once. Ends when every step passes or on `signal`
 * (Ctrl+C), with progress saved either way.
 */
export async function watchCommand(
  ctx: CommandContext,
  ref: string | undefined,
  signal: AbortSignal,
): Promise<number> {
  const { style, out } = ctx;
  let step =
    ref === undefined ? currentStep(ctx.workshop, ctx.readProgress(), ctx.here) : findStep(ctx.workshop, ref);
  while (step !== undefined && !signal.aborted) {
    const watcher = new ChangeWatcher(watchedDirs(step));
    try {
      for (;;) {
        watcher.clear();
        const passed = await verifyStep(ctx, step);
        if (signal.aborted) break;
        if (passed) {
          step = nextStepAfter(ctx.workshop, ctx.readProgress(), step);
          if (step !== undefined) {
            out();
            out(`${style.cyan('→')} moving on to ${stepTitle(ctx, step)}`);
            out();
          }
          break;
        }
        out();
        out(style.dim(`Watching for changes (Ctrl+C to stop)…`));
        const changed = await watcher.next(signal);
        if (changed === undefined) break;
        out();
        out(`${style.yellow('↻')} ${shown(ctx, changed)} changed: running the tests again`);
      }
    } finally {
      watcher.close();
    }
  }
  if (signal.aborted) {
    out();
    out(`Stopped watching. Progress is saved; ${ctx.invocation} watch picks up where you are.`);
    return 0;
  }
  if (step === undefined) out(style.green('Every step of the workshop passes. Well done!'));
  return 0;
}
