import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One step as the proof reads it from `workshop.json` (the runner validates the same format). */
export interface ManifestStep {
  readonly id: string;
  readonly files: readonly string[];
  readonly test: string;
  readonly readme: string;
  readonly hints: readonly string[];
}

/** The manifest's steps, or the problems that keep it from being read. */
export type ManifestReading =
  | { readonly steps: readonly ManifestStep[]; readonly problems: readonly string[] }
  | { readonly steps?: undefined; readonly problems: readonly string[] };

const listFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => statSync(join(dir, f)).isFile())
        .map((f) => f.split('\\').join('/'))
    : [];

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * Checks an exercise's manifest against its files: each step's files exist in both packages and
 * each stub guides (`// TODO`) and throws the step's "implement me" error; its test and page exist;
 * every test file belongs to exactly one step; and every source file that is no step's (the given
 * code) is identical in the exercise and the solution, or the solution would pass with help the
 * learner does not get.
 */
export function checkManifest(exerciseDir: string, solutionDir: string): ManifestReading {
  let manifest: { steps?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(exerciseDir, 'workshop.json'), 'utf8')) as { steps?: unknown };
  } catch (error) {
    return { problems: [`cannot read workshop.json: ${(error as Error).message}`] };
  }
  const raw: unknown[] = Array.isArray(manifest.steps) ? manifest.steps : [];
  const problems: string[] = [];
  if (raw.length === 0) problems.push('workshop.json has no steps');
  if (!existsSync(solutionDir)) problems.push('the solution package is missing');

  const steps: ManifestStep[] = [];
  const stepFiles = new Set<string>();
  const stepTests = new Set<string>();
  for (const entry of raw) {
    const step = (entry ?? {}) as Record<string, unknown>;
    const id = typeof step.id === 'string' ? step.id : '?';
    const at = `step ${id}`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) problems.push(`${at}: bad id`);
    const files = isStringArray(step.files) ? step.files : [];
    if (files.length === 0) problems.push(`${at}: no files`);
    for (const file of files) {
      stepFiles.add(file);
      if (!existsSync(join(exerciseDir, file))) {
        problems.push(`${at}: the exercise's ${file} is missing`);
      } else {
        const stub = readFileSync(join(exerciseDir, file), 'utf8');
        if (!stub.includes('// TODO')) problems.push(`${at}: ${file} has no // TODO guidance`);
        if (!stub.includes(`new NotImplementedError('${id}'`)) {
          problems.push(`${at}: ${file} does not throw new NotImplementedError('${id}', ...)`);
        }
      }
      if (!existsSync(join(solutionDir, file))) problems.push(`${at}: the solution's ${file} is missing`);
    }
    const test = typeof step.test === 'string' ? step.test : undefined;
    if (test === undefined || !existsSync(join(exerciseDir, test))) {
      problems.push(`${at}: test ${String(step.test)} is missing`);
    } else if (stepTests.has(test)) {
      problems.push(`${at}: test ${test} belongs to another step too`);
    } else {
      stepTests.add(test);
    }
    const readme = typeof step.readme === 'string' ? step.readme : undefined;
    if (readme === undefined || !existsSync(join(exerciseDir, readme))) {
      problems.push(`${at}: readme ${String(step.readme)} is missing`);
    }
    const hints = isStringArray(step.hints) ? step.hints : [];
    if (hints.length === 0) problems.push(`${at}: no hints`);
    steps.push({ id, files, test: test ?? '', readme: readme ?? '', hints });
  }
  for (const test of listFiles(join(exerciseDir, 'test')).filter((f) => f.endsWith('.test.ts'))) {
    if (!stepTests.has(`test/${test}`)) problems.push(`test/${test} belongs to no step of workshop.json`);
  }
  const given = new Set([...listFiles(join(exerciseDir, 'src')), ...listFiles(join(solutionDir, 'src'))]);
  for (const file of given) {
    const path = `src/${file}`;
    if (stepFiles.has(path)) continue;
    const a = join(exerciseDir, path);
    const b = join(solutionDir, path);
    if (!existsSync(a) || !existsSync(b)) {
      problems.push(
        `${path} is given code but exists only in ${existsSync(a) ? 'the exercise' : 'the solution'}`,
      );
    } else if (!readFileSync(a).equals(readFileSync(b))) {
      problems.push(`${path} is given code but differs between the exercise and the solution`);
    }
  }
  return { steps, problems };
}
