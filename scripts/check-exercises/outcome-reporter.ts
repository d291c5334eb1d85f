import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { type CheckPlan, type CheckResults, PLAN_ENV, type RecordedError } from './check-plan';

const pick = (error: unknown): RecordedError => {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  return { name: String(e?.name ?? 'Error'), message: String(e?.message ?? error) };
};

/**
 * Records every test's outcome with its project (vitest's JSON reporter does not say which project
 * a test ran in, and the proof runs the same test file in several).
 */
export default class OutcomeReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const plan = JSON.parse(readFileSync(process.env[PLAN_ENV] ?? '', 'utf8')) as CheckPlan;
    const file = (moduleId: string): string => relative(plan.snapshotRoot, moduleId).split('\\').join('/');
    const results: CheckResults = {
      modules: testModules.map((m) => ({
        project: m.project.name,
        file: file(m.moduleId),
        state: m.state(),
        errors: m.errors().map(pick),
      })),
      tests: testModules.flatMap((m) =>
        [...m.children.allTests()].map((t) => ({
          project: m.project.name,
          file: file(m.moduleId),
          test: t.fullName,
          state: t.result().state,
          errors: (t.result().errors ?? []).map(pick),
        })),
      ),
      unhandled: unhandledErrors.map(pick),
    };
    writeFileSync(plan.resultsPath, JSON.stringify(results, null, 2));
  }
}
