import type { ProjectionVersion, ProjectionVersionStatus } from '@chronicle/core';
import type { SqliteDatabase } from '../sqlite-driver';

/** The SQL of `projection_versions` (migration 3); synchronous, in the caller's transaction. */
export interface VersionStatements {
  /** The stored versions of projection `name`, by version. */
  list(name: string): ProjectionVersion[];
  /** Inserts or updates the status of `(name, version)`. */
  setStatus(name: string, version: number, status: ProjectionVersionStatus, now: number): void;
}

export function prepareVersionStatements(database: SqliteDatabase): VersionStatements {
  const list = database.prepare(
    'SELECT name, version, status FROM projection_versions WHERE name = ? ORDER BY version',
  );
  const setStatus = database.prepare(
    `INSERT INTO projection_versions (name, version, status, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name, version) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
  );
  return {
    list: (name) =>
      (list.all(name) as { name: string; version: number | bigint; status: ProjectionVersionStatus }[]).map(
        (row) => ({
          name: row.name,
          version: Number(row.version),
          status: row.status,
        }),
      ),
    setStatus(name, version, status, now) {
      setStatus.run(name, version, status, now);
    },
  };
}
