import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type { Step, Workshop } from '../manifest/manifest-types';

/** One type error, located in a learner's file. */
export interface TypeDiagnostic {
  /** Path relative to the workshop root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `TS2322` and the like. */
  readonly code: string;
  /** The message, continuation lines included. */
  readonly message: string;
}

/** The outcome of type-checking a step's exercise. */
export type TypeCheck =
  | { readonly checked: true; readonly diagnostics: readonly TypeDiagnostic[] }
  | { readonly checked: false; readonly reason: string };

const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

/** Parses `tsc --pretty false` output into diagnostics with paths relative to `root`. */
export function parseTscOutput(output: string, cwd: string, root: string): TypeDiagnostic[] {
  const diagnostics: { -readonly [K in keyof TypeDiagnostic]: TypeDiagnostic[K] }[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = DIAGNOSTIC.exec(line);
    if (match !== null) {
      const [, file = '', row = '0', column = '0', code = '', message = ''] = match;
      diagnostics.push({
        file: relative(root, resolve(cwd, file)).split('\\').join('/'),
        line: Number(row),
        column: Number(column),
        code,
        message,
      });
    } else if (line.startsWith(' ') && diagnostics.length > 0) {
      const last = diagnostics[diagnostics.length - 1];
      if (last !== undefined) last.message += `\n${line}`;
    }
  }
  return diagnostics;
}

const tscFrom = (dir: string): string | undefined => {
  try {
    const manifestPath = createRequire(join(dir, 'noop.js')).resolve('typescript/package.json');
    const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: Record<string, string> };
    return bin?.tsc === undefined ? undefined : join(dirname(manifestPath), bin.tsc);
  } catch {
    return undefined;
  }
};

/**
 * Type-checks the step's exercise package (`tsc --noEmit` with its own tsconfig.json) and keeps the
 * errors that are the learner's business for this step: in the step's files, its test, and the
 * given code, but not in other steps' files (work in progress on a later step does not block this
 * one). A step passes only when its tests pass and this is empty. The check is incremental (its
 * state is kept under `.chronicle/`), so re-runs in `watch` are quick.
 *
 * @returns `checked: false` with a reason when TypeScript cannot be found from the exercise
 */
export function typeCheckStep(workshop: Workshop, step: Step): Promise<TypeCheck> {
  const tsc = tscFrom(step.exercise.dir);
  if (tsc === undefined) {
    return Promise.resolve({
      checked: false,
      reason: 'TypeScript is not installed where the exercise can find it',
    });
  }
  const others = new Set(
    workshop.steps
      .filter((s) => s.exercise === step.exercise && s !== step)
      .flatMap((s) => [...s.files, s.test])
      .map((file) => relative(workshop.root, join(step.exercise.dir, file)).split('\\').join('/')),
  );
  const buildInfo = join(workshop.root, '.chronicle', 'typecheck', `${step.exercise.name}.tsbuildinfo`);
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '-p',
        'tsconfig.json',
        '--pretty',
        'false',
        '--incremental',
        '--tsBuildInfoFile',
        buildInfo,
      ],
      { cwd: step.exercise.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error) => resolvePromise({ checked: false, reason: error.message }));
    child.once('close', (code) => {
      const all = parseTscOutput(output, step.exercise.dir, workshop.root);
      if (code !== 0 && all.length === 0) {
        // tsc itself failed (a broken tsconfig.json, say): say so rather than pass the step silently.
        resolvePromise({ checked: false, reason: output.trim().split('\n')[0] ?? `tsc exited with ${code}` });
        return;
      }
      resolvePromise({ checked: true, diagnostics: all.filter((d) => !others.has(d.file)) });
    });
  });
}
