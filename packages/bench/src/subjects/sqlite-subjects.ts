import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import type { SubjectFactory, TargetName } from '../subject';
import { chronicleSubject } from './chronicle-subject';
import { openFloorSqlite } from './sqlite-floor';
import { openRawSqlite } from './sqlite-raw';

/** Hands out fresh database file paths in `dir` and deletes them (with WAL and SHM files) at the end. */
function fileAllocator(dir: string, prefix: string) {
  const files: string[] = [];
  return {
    next(): string {
      const file = join(dir, `${prefix}-${process.pid}-${files.length + 1}.db`);
      files.push(file);
      return file;
    },
    dispose(): void {
      for (const file of files.splice(0)) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }
    },
  };
}

function sqliteFactory(
  name: TargetName,
  dir: string,
  open: (file: string) => ReturnType<SubjectFactory['open']>,
): SubjectFactory {
  const files = fileAllocator(dir, name);
  return {
    name,
    driver: 'sqlite',
    kind: name.endsWith('-raw') ? 'raw' : name.endsWith('-floor') ? 'floor' : 'adapter',
    open: () => open(files.next()),
    reopen: (location) => open(location),
    storageBytes: async (location) => sqliteStorageBytes(location),
    async dispose() {
      files.dispose();
    },
  };
}

/**
 * The bytes of every table and index in the database file, from SQLite's `dbstat` (the pages in
 * use, WAL included, so no checkpoint is needed; free pages are not counted).
 */
function sqliteStorageBytes(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat').pluck().get());
  } finally {
    db.close();
  }
}

/** `@chronicle/sqlite` on a file with its defaults: WAL, `synchronous = FULL` (fsync on every commit). */
export function sqliteAdapterFactory(dir: string): SubjectFactory {
  return sqliteFactory('sqlite', dir, async (file) =>
    chronicleSubject(createSqliteEventStore({ filename: file }), file),
  );
}

/** The same adapter on a file with `schemaProfile: 'lean'`: what write-heavy users can opt into. */
export function sqliteLeanFactory(dir: string): SubjectFactory {
  return sqliteFactory('sqlite-lean', dir, async (file) =>
    chronicleSubject(createSqliteEventStore({ filename: file, schemaProfile: 'lean' }), file),
  );
}

/** Hand-written better-sqlite3 with the same guarantees (see `sqlite-raw.ts`). */
export function sqliteRawFactory(dir: string): SubjectFactory {
  return sqliteFactory('sqlite-raw', dir, async (file) => openRawSqlite(file));
}

/** The floor on better-sqlite3 (see `sqlite-floor.ts`). */
export function sqliteFloorFactory(dir: string): SubjectFactory {
  return sqliteFactory('sqlite-floor', dir, async (file) => openFloorSqlite(file));
}
