#!/usr/bin/env bash
# Proves the workshop's exercises are honest, for every exercises/<name>/workshop.json:
#
#   1. the untouched exercise package fails EVERY test of EVERY step, each failure being the stub's
#      "implement me" error (NotImplementedError) or an assertion, never a syntax error, a missing
#      export, a timeout or a crash;
#   2. each step's stub fails its own step's tests (each failure naming that step, or an assertion)
#      even when every other step is solved: the step's files are swapped into a copy of the
#      solution, so a step cannot pass because an earlier stub masks it;
#   3. the solution (solutions/<name>) passes every test of the very same test files;
#   4. the manifest matches the disk: each step's files exist in both packages, its test and readme
#      exist, every test file belongs to a step, and every non-step source file (the given code) is
#      identical in the exercise and the solution.
#
# One vitest run per package: the exercise, the solution and one project per step run together,
# and a small reporter records every test's outcome with its project. It checks the working tree:
# run it on committed, untouched stubs (CI does). CHRONICLE_PG_URL, when set, runs the PostgreSQL
# track as well.
#
# Usage: bash scripts/check-exercises.sh [exercise-name ...]   (default: all)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "$#" -gt 0 ]; then
  names=("$@")
else
  names=()
  for manifest in exercises/*/workshop.json; do
    names+=("$(basename "$(dirname "$manifest")")")
  done
fi
if [ "${#names[@]}" -eq 0 ]; then
  echo "check-exercises: no exercises/*/workshop.json found" >&2
  exit 1
fi

# Writes prepare.mjs (manifest checks, staging, vitest config and reporter) and judge.mjs (the
# verdict from the recorded outcomes) into the work directory.
write_helpers() {
  cat >"$1/prepare.mjs" <<'CHECK_EOF'
// Reads the manifest, checks it against the disk, stages one copy of the solution per step with that
// step's stub files swapped in, and writes the vitest config, its reporter and the judge's plan.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [root, name, work] = process.argv.slice(2);
const exercise = join(root, 'exercises', name);
const solution = join(root, 'solutions', name);
const problems = [];

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(exercise, 'workshop.json'), 'utf8'));
} catch (error) {
  console.error(`check-exercises: ${name}: cannot read workshop.json: ${error.message}`);
  process.exit(1);
}
const steps = Array.isArray(manifest.steps) ? manifest.steps : [];
if (steps.length === 0) problems.push('workshop.json has no steps');
if (!existsSync(solution)) problems.push(`solutions/${name} is missing`);

const listFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => statSync(join(dir, f)).isFile())
        .map((f) => f.split('\\').join('/'))
    : [];

const stepFiles = new Set();
const stepTests = new Set();
for (const step of steps) {
  const at = `step ${step.id ?? '?'}`;
  if (typeof step.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(step.id)) problems.push(`${at}: bad id`);
  for (const file of step.files ?? []) {
    stepFiles.add(file);
    if (!existsSync(join(exercise, file))) {
      problems.push(`${at}: exercises/${name}/${file} is missing`);
    } else {
      // A stub guides (// TODO) and throws the "implement me" error the learner sees first.
      const stub = readFileSync(join(exercise, file), 'utf8');
      if (!stub.includes('// TODO')) problems.push(`${at}: ${file} has no // TODO guidance`);
      if (!stub.includes(`new NotImplementedError('${step.id}'`)) {
        problems.push(`${at}: ${file} does not throw new NotImplementedError('${step.id}', ...)`);
      }
    }
    if (!existsSync(join(solution, file))) problems.push(`${at}: solutions/${name}/${file} is missing`);
  }
  if (!Array.isArray(step.files) || step.files.length === 0) problems.push(`${at}: no files`);
  if (typeof step.test !== 'string' || !existsSync(join(exercise, step.test))) {
    problems.push(`${at}: test ${step.test} is missing`);
  } else if (stepTests.has(step.test)) {
    problems.push(`${at}: test ${step.test} belongs to another step too`);
  } else {
    stepTests.add(step.test);
  }
  if (typeof step.readme !== 'string' || !existsSync(join(exercise, step.readme))) {
    problems.push(`${at}: readme ${step.readme} is missing`);
  }
  if (!Array.isArray(step.hints) || step.hints.length === 0) problems.push(`${at}: no hints`);
}
for (const test of listFiles(join(exercise, 'test')).filter((f) => f.endsWith('.test.ts'))) {
  if (!stepTests.has(`test/${test}`)) problems.push(`test/${test} belongs to no step of workshop.json`);
}
// The given code (every source file that is not a step's) must be the same on both sides, or the
// solution would pass with help the learner does not get.
const exerciseSources = listFiles(join(exercise, 'src'));
const solutionSources = listFiles(join(solution, 'src'));
for (const file of new Set([...exerciseSources, ...solutionSources])) {
  const path = `src/${file}`;
  if (stepFiles.has(path)) continue;
  const a = join(exercise, path);
  const b = join(solution, path);
  if (!existsSync(a) || !existsSync(b)) {
    problems.push(`${path} is given code but exists only in ${existsSync(a) ? 'the exercise' : 'the solution'}`);
  } else if (!readFileSync(a).equals(readFileSync(b))) {
    problems.push(`${path} is given code but differs between exercises/${name} and solutions/${name}`);
  }
}
if (problems.length > 0) {
  console.error(`check-exercises: ${name}: the manifest does not match the disk:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}

// One staged copy per step: the solution, with this step's files as the exercise has them.
const projects = [];
const plan = {
  exercise: `exercise-${name}`,
  solution: `solution-${name}`,
  tests: [...stepTests].map((t) => `exercises/${name}/${t}`),
  steps: [],
};
for (const step of steps) {
  const stage = join(work, step.id);
  mkdirSync(stage, { recursive: true });
  cpSync(join(solution, 'src'), join(stage, 'src'), { recursive: true });
  for (const file of step.files) cpSync(join(exercise, file), join(stage, file));
  const project = `check-${name}-${step.id}`;
  plan.steps.push({ id: step.id, project, test: `exercises/${name}/${step.test}` });
  projects.push({
    resolve: { alias: [{ find: '@@ALIAS@@', replacement: `${join(stage, 'src')}/$1` }] },
    test: {
      name: project,
      root: exercise,
      include: [step.test],
      env: { CHRONICLE_EXERCISE_SRC: `${join(stage, 'src')}/` },
      testTimeout: 20_000,
    },
  });
}
writeFileSync(join(work, 'plan.json'), JSON.stringify(plan, null, 2));

const config = `import { defineConfig } from 'vitest/config';
// Generated by scripts/check-exercises.sh; deleted after the run.
export default defineConfig({
  test: {
    reporters: [${JSON.stringify(join(work, 'reporter.mjs'))}],
    projects: [
      ${JSON.stringify(join(exercise, 'vitest.config.ts'))},
      ${JSON.stringify(join(solution, 'vitest.config.ts'))},
      ${JSON.stringify(projects, null, 2).replaceAll('"@@ALIAS@@"', String.raw`/^#exercise\/(.*)$/`)},
    ].flat(),
  },
});
`;
writeFileSync(join(work, 'vitest.check.config.mjs'), config);

const reporter = `import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
// Records every test's outcome with its project (the JSON reporter does not say which project).
const pick = (e) => ({ name: String(e?.name ?? 'Error'), message: String(e?.message ?? e) });
export default class CheckReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const modules = [];
    const tests = [];
    for (const m of testModules) {
      const project = m.project.name;
      const file = relative(${JSON.stringify(root)}, m.moduleId);
      modules.push({ project, file, state: m.state(), errors: m.errors().map(pick) });
      for (const t of m.children.allTests()) {
        const r = t.result();
        tests.push({ project, file, test: t.fullName, state: r.state, errors: (r.errors ?? []).map(pick) });
      }
    }
    writeFileSync(${JSON.stringify(join(work, 'results.json'))}, JSON.stringify({ modules, tests, unhandled: unhandledErrors.map(pick) }, null, 2));
  }
}
`;
writeFileSync(join(work, 'reporter.mjs'), reporter);

CHECK_EOF
  cat >"$1/judge.mjs" <<'CHECK_EOF'
// Reads the recorded outcomes and says whether the stubs fail as they should and the solution passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [, name, work, seconds] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(join(work, 'plan.json'), 'utf8'));
const { modules, tests, unhandled } = JSON.parse(readFileSync(join(work, 'results.json'), 'utf8'));
const problems = [];
const short = (text) => text.split('\n')[0].slice(0, 200);
// A load error's first line is often just "Transform failed": keep the next lines too.
const lines = (text) => text.split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' / ').slice(0, 400);

/** A stub's failure is honest when it is the step's "implement me" error or an assertion. */
function honest(error, stepId) {
  if (error.name === 'AssertionError') return true;
  const marker = stepId === undefined ? ': implement me' : `${stepId}: implement me`;
  return error.message.includes(marker);
}

function expectFailing(project, files, stepId) {
  for (const file of files) {
    const module = modules.find((m) => m.project === project && m.file === file);
    const cases = tests.filter((t) => t.project === project && t.file === file);
    if (module === undefined) {
      problems.push(`${project}: ${file} did not run`);
      continue;
    }
    for (const error of module.errors) problems.push(`${project}: ${file} did not load: ${lines(error.message)}`);
    if (module.errors.length === 0 && cases.length === 0) problems.push(`${project}: ${file} has no tests`);
    for (const t of cases) {
      if (t.state !== 'failed') {
        problems.push(`${project}: "${t.test}" ${t.state} on the untouched stub (it must fail)`);
      } else if (!t.errors.some((e) => honest(e, stepId))) {
        const why = t.errors.map((e) => `${e.name}: ${short(e.message)}`).join(' | ') || 'no error recorded';
        problems.push(`${project}: "${t.test}" fails for the wrong reason: ${why}`);
      }
    }
  }
}

function expectPassing(project, files) {
  for (const file of files) {
    const module = modules.find((m) => m.project === project && m.file === file);
    const cases = tests.filter((t) => t.project === project && t.file === file);
    if (module === undefined) {
      problems.push(`${project}: ${file} did not run`);
      continue;
    }
    for (const error of module.errors) problems.push(`${project}: ${file} did not load: ${lines(error.message)}`);
    if (module.errors.length === 0 && cases.length === 0) problems.push(`${project}: ${file} has no tests`);
    for (const t of cases) {
      if (t.state !== 'passed') {
        const why = t.errors.map((e) => `${e.name}: ${short(e.message)}`).join(' | ');
        problems.push(`${project}: "${t.test}" ${t.state}${why ? `: ${why}` : ''}`);
      }
    }
  }
}

expectFailing(plan.exercise, plan.tests, undefined);
for (const step of plan.steps) expectFailing(step.project, [step.test], step.id);
expectPassing(plan.solution, plan.tests);
for (const error of unhandled) problems.push(`unhandled error: ${error.name}: ${short(error.message)}`);

const count = (project) => tests.filter((t) => t.project === project).length;
const stepCount = plan.steps.reduce((n, s) => n + count(s.project), 0);
if (problems.length > 0) {
  console.error(`check-exercises: ${name}: ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(
  `check-exercises: ${name}: ${plan.steps.length} steps; stubs fail all ${count(plan.exercise)} tests ` +
    `(and ${stepCount} again with only their own step a stub), the solution passes all ${count(plan.solution)} ` +
    `(${seconds}s)`,
);
CHECK_EOF
}

status=0
for name in "${names[@]}"; do
  exercise="$root/exercises/$name"
  work="$exercise/.check"
  rm -rf "$work"
  mkdir -p "$work"
  # Leaves nothing behind, whatever happens.
  trap 'rm -rf "$work"' EXIT

  # The two Node helpers live below, in this file (write_helpers).
  write_helpers "$work"
  # Stage the per-step copies and write the vitest config + reporter (all in Node: it reads JSON).
  if ! node "$work/prepare.mjs" "$root" "$name" "$work"; then
    status=1
    rm -rf "$work"
    continue
  fi

  echo "check-exercises: $name: running the stubs, each step's stub alone, and the solution..."
  started=$(date +%s)
  # Failing tests are expected (the stubs'): vitest's own exit status says nothing here; the
  # verdict comes from the recorded outcomes. No results file means vitest itself broke.
  (cd "$exercise" && npx vitest run --config "$work/vitest.check.config.mjs" >"$work/vitest.log" 2>&1) || true
  if [ ! -s "$work/results.json" ]; then
    echo "check-exercises: $name: vitest produced no results; its output:" >&2
    cat "$work/vitest.log" >&2
    status=1
  elif ! node "$work/judge.mjs" "$root" "$name" "$work" "$(($(date +%s) - started))"; then
    status=1
  fi
  rm -rf "$work"
  trap - EXIT
done

if [ "$status" -eq 0 ]; then
  echo "check-exercises: OK (${names[*]})"
else
  echo "check-exercises: FAILED" >&2
fi
exit "$status"
