import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Exercise, Step, Workshop } from '../manifest/manifest-types';
import type { WorkshopProgress } from '../progress/progress';
import { readProgress, writeProgress } from '../progress/progress-file';
import { invocationOf, runsAsPackageScript } from './invocation';
import type { Style } from './style';

/** A stream the runner writes to (process.stdout, or a buffer in tests). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Everything the runner takes from its process, so tests can supply their own. */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What every command works with. */
export interface CommandContext {
  readonly workshop: Workshop;
  readonly style: Style;
  /** How the learner calls the runner, for the commands it suggests (`pnpm workshop`). */
  readonly invocation: string;
  /** The exercise whose folder the runner was started in, if any: its steps come first. */
  readonly here: Exercise | undefined;
  /** Where vitest's report goes (the runner's own stdout and stderr). */
  readonly io: CliIO;
  /** Exit code of a step that does not pass yet: 1, or 0 under the `workshop` package script (see invocation.ts). */
  readonly notPassingExitCode: number;
  /** Prints one line to stdout. */
  readonly out: (line?: string) => void;
  readonly now: () => Date;
  readonly readProgress: () => WorkshopProgress;
  readonly writeProgress: (progress: WorkshopProgress) => void;
}

const isInside = (dir: string, path: string): boolean => {
  const rel = relative(dir, resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Creates the context of one run. */
export function createContext(workshop: Workshop, style: Style, io: CliIO): CommandContext {
  return {
    workshop,
    style,
    invocation: invocationOf(io.env),
    here: workshop.exercises.find((exercise) => isInside(exercise.dir, io.cwd)),
    io,
    notPassingExitCode: runsAsPackageScript(io.env) ? 0 : 1,
    out: (line = '') => {
      io.stdout.write(`${line}\n`);
    },
    now: () => new Date(),
    readProgress: () => readProgress(workshop.root),
    writeProgress: (progress) => writeProgress(workshop.root, progress),
  };
}

/** A path for display: relative to the workshop root, with forward slashes. */
export const shown = (ctx: CommandContext, path: string): string =>
  relative(ctx.workshop.root, path).split('\\').join('/');

/** The lines telling where a step's work is: the files to edit and the readme to read. */
export function stepWhereabouts(ctx: CommandContext, step: Step): string[] {
  const { dim } = ctx.style;
  return [
    ...step.files.map((file) => `  ${dim('edit')}  ${shown(ctx, join(step.exercise.dir, file))}`),
    `  ${dim('read')}  ${shown(ctx, join(step.exercise.dir, step.readme))}`,
  ];
}

/** `bank-account/02-append — Append with optimistic locking`, styled. */
export const stepTitle = (ctx: CommandContext, step: Step): string =>
  `${ctx.style.bold(step.key)} ${ctx.style.dim('—')} ${step.title}`;
