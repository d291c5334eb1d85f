/**
 * What the exercises proof hands from one stage to the next: the staged packages, one project per
 * step, and where vitest's recorded outcomes go. Written as JSON by `stage-steps.ts`, read by the
 * vitest config and the judge (they run in different processes).
 */
export interface CheckPlan {
  /** The exercise's name, e.g. `bank-account`. */
  readonly name: string;
  /** The snapshot's root: holds `exercises/<name>` and `solutions/<name>`. */
  readonly snapshotRoot: string;
  /** `<snapshotRoot>/exercises/<name>`. */
  readonly exerciseDir: string;
  /** `<snapshotRoot>/solutions/<name>`. */
  readonly solutionDir: string;
  /** The project names of the exercise's and the solution's own vitest configs. */
  readonly exerciseProject: string;
  readonly solutionProject: string;
  /** Every step test file, relative to the snapshot root. */
  readonly tests: readonly string[];
  readonly steps: readonly StagedStep[];
  /** Where the outcome reporter writes its {@link CheckResults}. */
  readonly resultsPath: string;
}

/** One step staged alone: the solution's sources with only this step's files a stub. */
export interface StagedStep {
  readonly id: string;
  /** The vitest project that runs the step's test file against {@link srcDir}. */
  readonly project: string;
  /** The step's test file, relative to the exercise folder. */
  readonly test: string;
  /** The staged `src/` folder the `#exercise/*` alias points at (absolute). */
  readonly srcDir: string;
}

/** An error as the reporter records it. */
export interface RecordedError {
  readonly name: string;
  readonly message: string;
}

/** What vitest did with every test file and test, with the project it ran in. */
export interface CheckResults {
  readonly modules: readonly {
    readonly project: string;
    readonly file: string;
    readonly state: string;
    readonly errors: readonly RecordedError[];
  }[];
  readonly tests: readonly {
    readonly project: string;
    readonly file: string;
    readonly test: string;
    readonly state: string;
    readonly errors: readonly RecordedError[];
  }[];
  readonly unhandled: readonly RecordedError[];
}

/** The environment variable that tells the vitest config and the reporter which plan to use. */
export const PLAN_ENV = 'CHRONICLE_CHECK_PLAN';
