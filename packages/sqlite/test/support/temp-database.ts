import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private directory under the OS temp dir for one test file's databases; `cleanup()` removes it. */
export interface TempDirectory {
  /** A fresh database path inside the directory (the file itself is not created). */
  file(name?: string): string;
  /** Removes the directory with every database, WAL and shared-memory file in it. */
  cleanup(): void;
}

let counter = 0;

export function createTempDirectory(prefix: string): TempDirectory {
  const dir = mkdtempSync(join(tmpdir(), `chronicle-sqlite-${prefix}-`));
  return {
    file: (name = `db-${++counter}`) => join(dir, `${name}.sqlite`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
