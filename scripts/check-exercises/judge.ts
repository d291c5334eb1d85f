import type { CheckPlan, CheckResults, RecordedError } from './check-plan';

const short = (text: string): string => (text.split('\n')[0] ?? '').slice(0, 200);
// A load error's first line is often just "Transform failed": keep the next lines too.
const lines = (text: string): string =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 3)
    .join(' / ')
    .slice(0, 400);

/** A stub's failure is honest when it is the step's "implement me" error or an assertion. */
const honest = (error: RecordedError, stepId: string | undefined): boolean =>
  error.name === 'AssertionError' ||
  error.message.includes(stepId === undefined ? ': implement me' : `${stepId}: implement me`);

const why = (errors: readonly RecordedError[]): string =>
  errors.map((e) => `${e.name}: ${short(e.message)}`).join(' | ');

/** The verdict of one exercise's run. */
export interface Verdict {
  readonly problems: readonly string[];
  /** Tests run on the untouched exercise, on the per-step stages, and on the solution. */
  readonly counts: { readonly exercise: number; readonly steps: number; readonly solution: number };
}

/**
 * Judges the recorded outcomes: every test of the untouched exercise fails honestly (the stub's
 * "implement me" error or an assertion, never a syntax error, a missing export or a timeout); each
 * step's stub fails its own tests with every other step solved; the solution passes every test.
 */
export function judge(plan: CheckPlan, results: CheckResults): Verdict {
  const problems: string[] = [];
  const expect = (
    project: string,
    files: readonly string[],
    want: 'fail' | 'pass',
    stepId?: string,
  ): void => {
    for (const file of files) {
      const module = results.modules.find((m) => m.project === project && m.file === file);
      if (module === undefined) {
        problems.push(`${project}: ${file} did not run`);
        continue;
      }
      const cases = results.tests.filter((t) => t.project === project && t.file === file);
      for (const error of module.errors)
        problems.push(`${project}: ${file} did not load: ${lines(error.message)}`);
      if (module.errors.length === 0 && cases.length === 0) problems.push(`${project}: ${file} has no tests`);
      for (const t of cases) {
        if (want === 'pass') {
          if (t.state !== 'passed') problems.push(`${project}: "${t.test}" ${t.state}: ${why(t.errors)}`);
        } else if (t.state !== 'failed') {
          problems.push(`${project}: "${t.test}" ${t.state} on the untouched stub (it must fail)`);
        } else if (!t.errors.some((e) => honest(e, stepId))) {
          problems.push(`${project}: "${t.test}" fails for the wrong reason: ${why(t.errors) || 'no error'}`);
        }
      }
    }
  };
  expect(plan.exerciseProject, plan.tests, 'fail');
  for (const step of plan.steps)
    expect(step.project, [`exercises/${plan.name}/${step.test}`], 'fail', step.id);
  expect(plan.solutionProject, plan.tests, 'pass');
  for (const error of results.unhandled)
    problems.push(`unhandled error: ${error.name}: ${short(error.message)}`);
  const count = (project: string): number => results.tests.filter((t) => t.project === project).length;
  return {
    problems,
    counts: {
      exercise: count(plan.exerciseProject),
      steps: plan.steps.reduce((n, s) => n + count(s.project), 0),
      solution: count(plan.solutionProject),
    },
  };
}
