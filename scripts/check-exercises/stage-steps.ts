import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestStep } from './check-manifest';
import type { CheckPlan } from './check-plan';

/**
 * Stages one copy of the solution's sources per step with only that step's files swapped for the
 * stubs, so a step cannot pass (or fail) because of another step, and writes the plan that the
 * vitest config, the reporter and the judge read.
 *
 * @returns the plan and the path it is written to
 */
export function stageSteps(
  name: string,
  snapshotRoot: string,
  work: string,
  steps: readonly ManifestStep[],
): { plan: CheckPlan; planPath: string } {
  const exerciseDir = join(snapshotRoot, 'exercises', name);
  const solutionDir = join(snapshotRoot, 'solutions', name);
  const stagesDir = join(snapshotRoot, 'steps');
  mkdirSync(stagesDir, { recursive: true });
  // The staged sources import what the solution imports.
  symlinkSync(join(solutionDir, 'node_modules'), join(stagesDir, 'node_modules'), 'junction');
  const staged = steps.map((step) => {
    const srcDir = join(stagesDir, step.id, 'src');
    cpSync(join(solutionDir, 'src'), srcDir, { recursive: true });
    for (const file of step.files) cpSync(join(exerciseDir, file), join(stagesDir, step.id, file));
    return { id: step.id, project: `check-${name}-${step.id}`, test: step.test, srcDir };
  });
  const plan: CheckPlan = {
    name,
    snapshotRoot,
    exerciseDir,
    solutionDir,
    // The names the exercise's and the solution's own vitest configs give their projects.
    exerciseProject: `exercise-${name}`,
    solutionProject: `solution-${name}`,
    tests: steps.map((step) => `exercises/${name}/${step.test}`),
    steps: staged,
    resultsPath: join(work, 'results.json'),
  };
  const planPath = join(work, 'plan.json');
  writeFileSync(planPath, JSON.stringify(plan, null, 2));
  return { plan, planPath };
}
