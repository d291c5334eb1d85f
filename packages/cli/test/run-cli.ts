import { execFile } from 'node:child_process';
import { inject } from 'vitest';

/** The command built from the current sources by test/global-setup.ts. */
export const cliBin = (): string => inject('cliBin');

/** What a run of the command left behind. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `chronicle ...args` as a user does: a child process (plain node on the built bin), stdout and
 * stderr captured apart, not a terminal (so no colours, no progress bar). `env` adds to a clean copy
 * of the environment without CHRONICLE_DB.
 */
export function chronicle(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { CHRONICLE_DB: _ignored, ...base } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cliBin(), ...args],
      { env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Parses the one JSON document a `--json` run prints, failing with the run's output when it is not JSON. */
export function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr:\n${run.stderr}`);
  }
}
