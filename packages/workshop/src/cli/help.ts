import type { Style } from './style';

/** The `--help` text. `invocation` is how the learner calls the runner (`pnpm workshop`). */
export function helpText(invocation: string, style: Style): string {
  const { bold, dim } = style;
  return `${bold('Chronicle workshop')}: build an event store step by step; each step's tests say when it is done.

${bold('Usage')}
  ${invocation} [command] [step] [options]

${bold('Commands')}
  list               the steps of every exercise, with what passes and which is next (the default)
  verify [step]      run the step's tests (default: the current step); it is marked passed when green
  hint [step]        show one more hint for the step each time, from a nudge to a near-answer
  watch [step]       re-run the tests on every save; move on to the next step when green
  reset <step>       put the step's stub back from the last commit (a copy of yours is kept)
  solution <step>    show the reference solution, once your version of the step passes (a nudge,
                     not a lock: the solutions are in solutions/ for anyone who opens them)
  inspect            open the web inspector on your events (--db <file>, default: .chronicle/workshop.db,
                     else chronicle-demo.db from pnpm demo; --port <n>); read-only, until Ctrl+C
  help               this text

${bold('Steps')} are named ${dim('exercise/step')} (bank-account/01-schema), by their id when unique
  (01-schema), by their number in ${dim('list')} (3), or by an unambiguous beginning (order/02).

${bold('Options')}
  --root <path>      the repository (default: found from the current folder upwards)
  --color, --no-color   force colours on or off (default: on for a terminal; NO_COLOR is honoured)
  -h, --help         this text

Run it from anywhere in the repository, an exercise's folder included. A step passes when its tests
pass and its files type-check. Progress is kept in .chronicle/workshop-progress.json at the
repository root; delete it to start over.

${bold('Exit code')} 0 when done, 1 when the step does not pass or something went wrong, 2 for a usage
  error. Run as the repository's ${dim('workshop')} script, a step that does not pass yet exits 0 (the
  verdict is printed; pnpm would only add "Command failed" under it).`;
}
