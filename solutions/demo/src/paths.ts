import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding `pnpm-workspace.yaml`. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * Where the demo writes: `--db <path>`, else `CHRONICLE_DEMO_DB`, else `chronicle-demo.db` at the
 * repository root.
 */
export function demoDatabasePath(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argv.indexOf('--db');
  const given = flag >= 0 ? argv[flag + 1] : env.CHRONICLE_DEMO_DB;
  if (flag >= 0 && (given === undefined || given.startsWith('--'))) {
    throw new Error('--db needs a path, e.g. --db ./my-demo.db');
  }
  if (given === undefined || given === '') return join(repositoryRoot(), 'chronicle-demo.db');
  // `pnpm demo` runs in the package's folder; a relative path means relative to where pnpm was started.
  return resolve(env.INIT_CWD ?? process.cwd(), given);
}

/** Removes the database and SQLite's side files, so every run starts from an empty file. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** Quotes a path for a POSIX shell when it needs it. */
export const shellQuote = (text: string): string =>
  /^[\w./@:-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
