import type { Step } from '../../manifest/manifest-types';
import { markNotPassed, markPassed, stepProgress } from '../../progress/progress';
import { type TypeCheck, typeCheckStep } from '../../runner/type-check';
import { runStepTests } from '../../runner/vitest-runner';
import { currentStep, findStep, nextStepAfter } from '../../selection/step-selection';
import { type CommandContext, stepTitle, stepWhereabouts } from '../context';

/** Prints the type check's verdict like a test failure: where (file:line:column) and what. */
function reportTypeCheck(ctx: CommandContext, check: TypeCheck): void {
  const { style, out } = ctx;
  if (!check.checked) {
    out(style.yellow(`Type check skipped: ${check.reason}.`));
    return;
  }
  if (check.diagnostics.length === 0) return;
  out(style.red(style.bold(`Type errors (${check.diagnostics.length}): the code must type-check to pass`)));
  for (const d of check.diagnostics) {
    out(`  ${style.cyan(`${d.file}:${d.line}:${d.column}`)}  ${style.dim(d.code)}`);
    for (const line of d.message.split('\n')) out(`    ${line.trimStart()}`);
  }
  out();
}

/**
 * Runs one step's tests and type-checks the learner's files (at the same time), records the
 * outcome and says what it means: the step passes when its tests pass and its files type-check;
 * then it is marked passed and the next one named. Otherwise: what went wrong (failing tests, a
 * file that did not load, type errors), where the goal is explained and how to get a hint.
 *
 * @returns whether the step passes
 */
export async function verifyStep(ctx: CommandContext, step: Step): Promise<boolean> {
  const { style, out } = ctx;
  out(`${style.cyan('▶')} ${stepTitle(ctx, step)}`);
  for (const line of stepWhereabouts(ctx, step)) out(line);
  out();
  const typeCheck = typeCheckStep(ctx.workshop, step);
  const run = await runStepTests(step, { color: style.enabled }, ctx.io);
  const { signal, testsRun } = run;
  const types = await typeCheck;
  if (signal !== null) {
    // Interrupted (Ctrl+C): that says nothing about the learner's code, so progress stays as it was.
    out();
    out(style.yellow(`The test run of ${step.key} was interrupted (${signal}); progress is unchanged.`));
    return false;
  }
  reportTypeCheck(ctx, types);
  const typeErrors = types.checked ? types.diagnostics.length : 0;
  const passed = run.passed && typeErrors === 0;
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
  const why =
    testsRun === 0
      ? ' No test ran: the test file could not load your code (the error above says where: a syntax error, or an export it needs is missing).'
      : run.passed
        ? ' Its tests pass, but the code does not type-check: fix the type errors above.'
        : typeErrors > 0
          ? ' The failing tests and the type errors above say what is expected.'
          : ' The failing tests above say what is expected.';
  out(style.red(`✗ ${step.key} does not pass yet.`) + style.dim(why));
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
    ref === undefined ? currentStep(ctx.workshop, ctx.readProgress(), ctx.here) : findStep(ctx.workshop, ref);
  if (step === undefined) {
    ctx.out(ctx.style.green('Every step of the workshop passes. Well done!'));
    ctx.out(`Re-check one with ${ctx.invocation} verify <step>; see the steps with ${ctx.invocation} list.`);
    return 0;
  }
  return (await verifyStep(ctx, step)) ? 0 : ctx.notPassingExitCode;
}
