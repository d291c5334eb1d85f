import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { type CheckPlan, PLAN_ENV } from './check-plan';

// The exercises proof's one vitest run for one exercise: the exercise as committed, the solution,
// and one project per step in which only that step is a stub. The plan says where each is staged.
const planPath = process.env[PLAN_ENV];
if (planPath === undefined) throw new Error(`${PLAN_ENV} is not set: run this through check-exercises`);
const plan = JSON.parse(readFileSync(planPath, 'utf8')) as CheckPlan;

export default defineConfig({
  test: {
    reporters: [fileURLToPath(new URL('./outcome-reporter.ts', import.meta.url))],
    projects: [
      join(plan.exerciseDir, 'vitest.config.ts'),
      join(plan.solutionDir, 'vitest.config.ts'),
      ...plan.steps.map((step) => ({
        resolve: { alias: [{ find: /^#exercise\/(.*)$/, replacement: `${step.srcDir}/$1` }] },
        test: {
          name: step.project,
          root: plan.exerciseDir,
          include: [step.test],
          env: { CHRONICLE_EXERCISE_SRC: `${step.srcDir}/` },
          testTimeout: 20_000,
        },
      })),
    ],
  },
});
