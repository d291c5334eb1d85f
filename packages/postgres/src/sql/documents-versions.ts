import type { ProjectionVersion, ProjectionVersionStatus } from '@chronicle/core';
import type { QueryRunner } from './query-runner';

/** The SQL of `projection_versions` (migration 4), sent on the runner given. */
export interface VersionStatements {
  /** The stored versions of projection `name`, by version. */
  list(db: QueryRunner, name: string): Promise<ProjectionVersion[]>;
  /** Inserts or updates the status of `(name, version)`. */
  setStatus(db: QueryRunner, name: string, version: number, status: ProjectionVersionStatus): Promise<void>;
}

/** The statements for the quoted schema `s`. */
export function createVersionStatements(s: string): VersionStatements {
  const list = `SELECT name, version, status FROM ${s}.projection_versions WHERE name = $1 ORDER BY version`;
  const setStatus =
    `INSERT INTO ${s}.projection_versions (name, version, status) VALUES ($1, $2, $3) ` +
    'ON CONFLICT (name, version) DO UPDATE SET status = EXCLUDED.status, updated_at = statement_timestamp()';
  return {
    async list(db, name) {
      const rows = await db.rows<{ name: string; version: string; status: ProjectionVersionStatus }>(list, [
        name,
      ]);
      return rows.map((row) => ({ name: row.name, version: Number(row.version), status: row.status }));
    },
    async setStatus(db, name, version, status) {
      await db.rows(setStatus, [name, version, status]);
    },
  };
}
