import fc from 'fast-check';

const envInteger = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got '${raw}'`);
  return value;
};

/**
 * Checks an async property with `CHRONICLE_FC_RUNS` runs (default `defaultRuns`), replaying
 * `CHRONICLE_FC_SEED`/`CHRONICLE_FC_PATH` when set. On failure it throws fast-check's report with the
 * seed, the path and the command that replays the shrunk counterexample.
 */
export async function assertProperty<Ts>(
  property: fc.IAsyncProperty<Ts>,
  label: string,
  defaultRuns = 50,
): Promise<void> {
  const seed = envInteger('CHRONICLE_FC_SEED') ?? (Math.random() * 2 ** 31) | 0;
  const path = process.env.CHRONICLE_FC_PATH;
  const numRuns = envInteger('CHRONICLE_FC_RUNS') ?? defaultRuns;
  const details = await fc.check(property, {
    seed,
    numRuns,
    ...(path !== undefined && path !== '' ? { path, endOnFailure: true } : {}),
  });
  if (details.failed) {
    const report = (await fc.asyncDefaultReportMessage(details)) ?? `${label} failed`;
    const error = new Error(
      `${label} failed (seed ${details.seed}, path ${details.counterexamplePath}).\n` +
        `Replay: CHRONICLE_FC_SEED=${details.seed} CHRONICLE_FC_PATH=${details.counterexamplePath ?? ''}\n\n${report}`,
    );
    if (details.errorInstance !== null) error.cause = details.errorInstance;
    throw error;
  }
}
