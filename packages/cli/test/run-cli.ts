import { type ChildProcess, execFile, spawn } from 'node:child_process';
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

/** A long-running `chronicle` (`events --follow`, `inspect`) and what it printed so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` appears in the stream's output; rejects if the process exits first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `chronicle ...args` as a user does and keeps it running. */
export function startChronicle(args: readonly string[], env: Record<string, string> = {}): RunningCli {
  const { CHRONICLE_DB: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, [cliBin(), ...args], { env: { ...base, ...env } });
  const output = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].setEncoding('utf8');
    child[name].on('data', (chunk: string) => {
      output[name] += chunk;
      for (const wake of waiters) wake();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    waitFor(stream, pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output[stream].match(pattern);
          if (match === null) return;
          waiters.delete(check);
          resolve(match);
        };
        waiters.add(check);
        check();
        void exited.then((code) => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          reject(
            new Error(
              `chronicle exited (${code}) before ${pattern} on ${stream}:\n${output.stdout}\n--- stderr:\n${output.stderr}`,
            ),
          );
        });
      });
    },
  };
}
