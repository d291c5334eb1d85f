// The workshop runner as a library: what `chronicle-workshop` (pnpm workshop) is built from.
export { type CliArgs, COMMANDS, type CommandName, parseCliArgs } from './cli/args';
export type { CliIO, OutputStream } from './cli/context';
export { invocationOf } from './cli/invocation';
export { EXIT_USAGE, runCli } from './cli/run-cli';
export { isWorkshopError, WorkshopError, type WorkshopErrorCode } from './errors';
export { findWorkshopRoot, loadWorkshop, MANIFEST_FILE } from './manifest/load-workshop';
export type { Exercise, ExerciseManifest, Step, StepManifest, Workshop } from './manifest/manifest-types';
export { validateManifest } from './manifest/validate-manifest';
export {
  EMPTY_PROGRESS,
  isPassed,
  markNotPassed,
  markPassed,
  type StepProgress,
  setHintsShown,
  stepProgress,
  type WorkshopProgress,
} from './progress/progress';
export {
  PROGRESS_FILE,
  parseProgress,
  progressPath,
  readProgress,
  writeProgress,
} from './progress/progress-file';
export { type ResetResult, resetStep } from './runner/reset-step';
export { stripAnsi } from './runner/strip-ansi';
export { parseTscOutput, type TypeCheck, type TypeDiagnostic, typeCheckStep } from './runner/type-check';
export {
  type RunStepTestsOptions,
  resolveVitestBin,
  runStepTests,
  type TestRun,
} from './runner/vitest-runner';
export { type HintReveal, revealNextHint } from './selection/hints';
export { type SolutionFile, unlockSolution } from './selection/solution-gate';
export { currentStep, findStep, nextStepAfter } from './selection/step-selection';
