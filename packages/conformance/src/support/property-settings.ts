import fc from 'fast-check';

/** Runs per property when `CHRONICLE_FC_RUNS` is unset: small, so CI stays fast. */
export const DEFAULT_FC_RUNS = 25;

const envNumber = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got '${raw}'`);
  return value;
};

/**
 * How many runs a property gets — the model property and both concurrency properties alike:
 * `CHRONICLE_FC_RUNS` (a soak run sets it high) or a CI-friendly default.
 */
export function propertyRuns(): number {
  const runs = envNumber('CHRONICLE_FC_RUNS');
  if (runs !== undefined && runs < 1) throw new Error('CHRONICLE_FC_RUNS must be at least 1');
  return runs ?? DEFAULT_FC_RUNS;
}

/** The seed to replay (`CHRONICLE_FC_SEED`), or a fresh one. */
export function replaySeed(): number {
  return envNumber('CHRONICLE_FC_SEED') ?? (Math.random() * 2 ** 31) | 0;
}

/**
 * What `CHRONICLE_FC_PATH` asks to replay: fast-check's shrink path and, after an `@`, the replay
 * path of `fc.commands` (a command sequence only replays with both).
 */
export function replayPath(): { readonly path: string | undefined; readonly commands: string | undefined } {
  const raw = process.env.CHRONICLE_FC_PATH;
  if (raw === undefined || raw.trim() === '') return { path: undefined, commands: undefined };
  const at = raw.indexOf('@');
  return at < 0
    ? { path: raw, commands: undefined }
    : { path: raw.slice(0, at), commands: raw.slice(at + 1) };
}

/** What a replay repeats, and what it cannot. */
const REPLAY_NOTE =
  '(The seed and path fix the generated case: the commands, writers, expected versions and delays. They do ' +
  'not fix the timing of calls that run in parallel on a real database, so a failure that came from a race ' +
  'may need several replays, or more runs, to recur.)';

/**
 * Checks an async property and, on failure, throws fast-check's report plus the command that replays
 * the shrunk counterexample (`CHRONICLE_FC_SEED` and `CHRONICLE_FC_PATH`): the same generated case,
 * though not the same timing of parallel calls.
 */
export async function assertProperty<Ts>(property: fc.IAsyncProperty<Ts>, label: string): Promise<number> {
  const seed = replaySeed();
  const { path } = replayPath();
  const numRuns = propertyRuns();
  const details = await fc.check(property, {
    seed,
    numRuns,
    ...(path === undefined ? {} : { path, endOnFailure: true }),
  });
  if (details.failed) {
    const report = (await fc.asyncDefaultReportMessage(details)) ?? `${label} failed`;
    const commands = /replayPath="([^"]+)"/.exec(fc.stringify(details.counterexample))?.[1];
    const fullPath = `${details.counterexamplePath ?? ''}${commands === undefined ? '' : `@${commands}`}`;
    const replay = `CHRONICLE_FC_SEED=${details.seed} CHRONICLE_FC_PATH='${fullPath}'`;
    const failure =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const error = new Error(
      `${label} failed (seed ${details.seed}, path ${fullPath}).\nReplay: ${replay}\n${REPLAY_NOTE}\n\n${report}\n\nFailure: ${failure}`,
    );
    if (details.errorInstance !== null) error.cause = details.errorInstance;
    throw error;
  }
  return numRuns;
}
