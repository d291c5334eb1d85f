import { StoreUnavailableError } from '@chronicle/core';
import type { SqliteDatabase } from '../sqlite-driver';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, MIGRATIONS_TABLE } from './migrations';

/**
 * Brings the database's schema up to {@link LATEST_SCHEMA_VERSION}. Idempotent, and safe when several
 * processes open the same file at once: the check is repeated under SQLite's write lock
 * (`BEGIN IMMEDIATE`), so exactly one process applies each migration and the others see it done.
 *
 * @returns the schema version the database is at
 * @throws StoreUnavailableError when the database was migrated by a newer release of the store
 */
export function migrate(database: SqliteDatabase, now: () => number = Date.now): number {
  // The common case — already migrated — needs no write lock.
  if (currentVersion(database) === LATEST_SCHEMA_VERSION) return LATEST_SCHEMA_VERSION;

  database.exec('BEGIN IMMEDIATE');
  try {
    database.exec(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
        version     INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL,
        applied_at  INTEGER NOT NULL
      ) STRICT`,
    );
    const applied = currentVersion(database) ?? 0;
    const record = database.prepare(
      `INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`,
    );
    for (const migration of MIGRATIONS) {
      if (migration.version <= applied) continue;
      database.exec(migration.sql);
      record.run(migration.version, migration.name, now());
    }
    database.exec('COMMIT');
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
  return LATEST_SCHEMA_VERSION;
}

/** The highest applied migration, or `undefined` when the migrations table does not exist yet. */
function currentVersion(database: SqliteDatabase): number | undefined {
  const table = database
    .prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`)
    .get(MIGRATIONS_TABLE);
  if (table === undefined) return undefined;
  const row = database.prepare(`SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`).get() as {
    version: number | bigint | null;
  };
  const version = row.version === null ? 0 : Number(row.version);
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `SQLite database ${database.name} has schema version ${version}, newer than this @chronicle/sqlite understands (${LATEST_SCHEMA_VERSION}); upgrade @chronicle/sqlite`,
      { retriable: false },
    );
  }
  return version;
}
