/**
 * One step of an exercise as written in its `workshop.json`. Paths are relative to the exercise's
 * folder (`exercises/<name>/`).
 */
export interface StepManifest {
  /** Unique within the exercise, kebab-case, e.g. `01-schema`. */
  readonly id: string;
  /** One line shown in the step list. */
  readonly title: string;
  /** What the learner edits; the solution of each lives at the same path under `solutions/<name>/`. */
  readonly files: readonly string[];
  /** The step's vitest test file. */
  readonly test: string;
  /** The step's goal and explanations (Markdown). */
  readonly readme: string;
  /** Revealed one at a time by `hint`, from nudge to near-answer. May be empty. */
  readonly hints: readonly string[];
}

/** The whole `workshop.json` of one exercise. */
export interface ExerciseManifest {
  /** Shown as the exercise's heading. */
  readonly title: string;
  /** Exercises are worked through in increasing `order` (then by folder name). */
  readonly order: number;
  /** The steps, in the order a learner takes them. */
  readonly steps: readonly StepManifest[];
}

/** An exercise found on disk: its manifest plus where it lives. */
export interface Exercise {
  /** The exercise's folder name, e.g. `bank-account`; also the folder of its solution. */
  readonly name: string;
  /** Absolute path of `exercises/<name>`. */
  readonly dir: string;
  /** Absolute path of `solutions/<name>`. */
  readonly solutionDir: string;
  /** The validated manifest. */
  readonly manifest: ExerciseManifest;
}

/** A step with everything needed to run it. */
export interface Step extends StepManifest {
  /** `<exercise>/<id>`, e.g. `bank-account/01-schema`: unique across the workshop, the key in progress. */
  readonly key: string;
  /** The exercise the step belongs to. */
  readonly exercise: Exercise;
  /** 0-based index of the step across the whole workshop, in working order. */
  readonly index: number;
}

/** Every exercise of a repository and all their steps in working order. */
export interface Workshop {
  /** The repository root: the folder holding `exercises/`, `solutions/` and `.chronicle/`. */
  readonly root: string;
  /** Exercises in working order. */
  readonly exercises: readonly Exercise[];
  /** All steps of all exercises, in working order. */
  readonly steps: readonly Step[];
}
