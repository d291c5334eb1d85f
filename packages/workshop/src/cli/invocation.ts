import { basename } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * How the learner started the runner, as a command to print in suggestions (`pnpm workshop hint`):
 * the form that works for them. `CHRONICLE_WORKSHOP_COMMAND` overrides it.
 *
 * - through `npx pnpm@<version> workshop` (pnpm not installed: pnpm then runs from npx's cache):
 *   `npx -y pnpm@<version> workshop`;
 * - through `pnpm workshop` (at the root or in an exercise's folder): `pnpm workshop`;
 * - through `npm run workshop`: `npm run workshop --`;
 * - as the installed `chronicle-workshop` binary: `chronicle-workshop`.
 */
export function invocationOf(env: Env, script: string | undefined = process.argv[1]): string {
  if (env.CHRONICLE_WORKSHOP_COMMAND) return env.CHRONICLE_WORKSHOP_COMMAND;
  const agent = env.npm_config_user_agent ?? '';
  if (env.npm_lifecycle_event === 'workshop') {
    const pnpm = /^pnpm\/(\S+)/.exec(agent);
    if (pnpm !== null) {
      return /[\\/]_npx[\\/]/.test(env.npm_execpath ?? '')
        ? `npx -y pnpm@${pnpm[1]} workshop`
        : 'pnpm workshop';
    }
    if (agent.startsWith('npm/')) return 'npm run workshop --';
  }
  if (script !== undefined && basename(script).startsWith('chronicle-workshop')) return 'chronicle-workshop';
  return 'pnpm workshop';
}

/**
 * Whether the runner runs as the repository's `workshop` package script. A step that does not pass
 * yet then ends with exit code 0: the runner has said so in its own words, and a non-zero code would
 * only make pnpm add "ELIFECYCLE Command failed" under it. Run directly (`chronicle-workshop`, CI),
 * the exit code says whether the step passes.
 */
export const runsAsPackageScript = (env: Env): boolean => env.npm_lifecycle_event === 'workshop';
