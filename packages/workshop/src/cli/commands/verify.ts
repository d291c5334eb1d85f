import type { Step } from '../../manifest/manifest-types';
import { markNotPassed, markPassed, stepProgress } from '../../progress/progress';
import { runStepTests } from '../../runner/vitest-runner';
import { currentStep, findStep, nextStepAfter } from '../../selection/step-selection';
import { type CommandContext, stepTitle, stepWhereabouts } from '../context';

/**
 * Runs one step's tests, records the outcome and says what it means: on green the step is marked
 * passed and the next one named; on red, where the goal is explained and how to get a hint.
 *
 * @returns whether the step passes
 */
export async function verifyStep(ctx: CommandContext, step: Step): Promise<boolean> {
  const { style, out } = ctx;
  out(`${style.cyan('▶')} ${stepTitle(ctx, step)}`);
  for (const line of stepWhereabouts(ctx, step)) out(line);
  out();
  const { passed, signal } = await runStepTests(step);
  if (signal !== null) {
    // Interrupted (Ctrl+C): that says nothing about the learner's code, so progress stays as it was.
    out();
    out(style.yellow(`The test run of ${step.key} was interrupted (${signal}); progress is unchanged.`));
    return false;
  }
  const before = ctx.readProgress();
  const after = passed ? markPassed(before, step.key, ctx.now()) : markNotPassed(before, step.key);
  if (after !== before) ctx.writeProgress(after);
  out();
  if (passed) {
    out(style.green(`✓ ${step.key} passes.`));
    out(`  ${style.dim('compare with the reference:')} ${ctx.invocation} solution ${step.key}`);
    const next = nextStepAfter(ctx.workshop, after, step);
    if (next === undefined) {
      out(style.green('Every step of the workshop passes. Well done!'));
    } else {
      out(`${style.cyan('Next:')} ${stepTitle(ctx, next)}`);
      for (const line of stepWhereabouts(ctx, next)) out(line);
    }
    return true;
  }
  const { hintsShown } = stepProgress(after, step.key);
  out(
    style.red(`✗ ${step.key} does not pass yet.`) +
      style.dim(' The failing tests above say what is expected.'),
  );
  for (const line of stepWhereabouts(ctx, step)) out(line);
  if (step.hints.length > 0) {
    const seen = Math.min(hintsShown, step.hints.length);
    const more = seen < step.hints.length ? 'one more hint' : 'the hints again';
    out(
      `  ${style.dim('stuck?')} ${ctx.invocation} hint ${step.key}  ${style.dim(`(${more}; ${seen} of ${step.hints.length} seen)`)}`,
    );
  }
  return false;
}

/** `verify [step]`: runs the named step's tests, or the current step's. Exit code 1 when they fail. */
export async function verifyCommand(ctx: CommandContext, ref: string | undefined): Promise<number> {
  const step =
    ref === undefined ? currentStep(ctx.workshop, ctx.readProgress()) : findStep(ctx.workshop, ref);
  if (step === undefined) {
    ctx.out(ctx.style.green('Every step of the workshop passes. Well done!'));
    ctx.out(`Re-check one with ${ctx.invocation} verify <step>; see the steps with ${ctx.invocation} list.`);
    return 0;
  }
  return (await verifyStep(ctx, step)) ? 0 : 1;
}
