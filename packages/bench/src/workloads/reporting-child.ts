import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The path of one of the bench's own scripts (`src/<name>`), for a child process to run. */
export const benchScript = (name: string): string => join(PACKAGE_DIR, 'src', name);

/**
 * Runs `script` under tsx in a fresh Node process and resolves with the JSON of the last line it
 * printed; rejects with its stderr when it exits non-zero or prints no report. A child keeps the
 * parent's heap out of memory figures (W7, W8, W11) and puts a writer in another process (W10).
 */
export function runReportingChild<Report>(script: string, args: readonly string[]): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const name = script.slice(script.lastIndexOf('/') + 1);
      if (code !== 0) {
        reject(new Error(`${name} exited with ${code}: ${stderr.trim()}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Report);
      } catch {
        reject(new Error(`${name} printed no report: ${stdout.trim()} ${stderr.trim()}`));
      }
    });
  });
}
