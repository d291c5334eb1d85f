import type { SqliteDatabase } from '../sqlite-driver';

/**
 * Which optional parts of the schema a database has.
 *
 * - `'full'` (a new database's profile): every index and guard of the schema.
 * - `'lean'`: leaves out what the append path does not need — the two secondary indexes
 *   (`events_type_time`, `events_aggregate_type_position`) and the two `events_no_replace_*` triggers,
 *   each of which probes an index on every inserted event. Every feature still works; what each part
 *   costs when it is missing is in docs/sqlite.md ("Schema profiles").
 */
export type SqliteSchemaProfile = 'full' | 'lean';

/** The profiles, for validation and messages. */
export const SCHEMA_PROFILES: readonly SqliteSchemaProfile[] = ['full', 'lean'];

/**
 * What `'full'` has and `'lean'` leaves out, with the DDL that (re)creates each. The DDL is migration
 * 1's, word for word: a later migration that changes one of these changes it here too.
 */
const OPTIONAL_PARTS: readonly {
  readonly type: 'index' | 'trigger';
  readonly name: string;
  readonly sql: string;
}[] = [
  {
    type: 'index',
    name: 'events_type_time',
    sql: 'CREATE INDEX events_type_time ON events (event_type, occurred_at)',
  },
  {
    type: 'index',
    name: 'events_aggregate_type_position',
    sql: 'CREATE INDEX events_aggregate_type_position ON events (aggregate_type, position)',
  },
  {
    type: 'trigger',
    name: 'events_no_replace_event_id',
    sql: `CREATE TRIGGER events_no_replace_event_id BEFORE INSERT ON events
      WHEN EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
      BEGIN
        SELECT RAISE(ABORT, 'Chronicle events are append-only: a stored event cannot be replaced (events.event_id is already stored)');
      END`,
  },
  {
    type: 'trigger',
    name: 'events_no_replace_version',
    sql: `CREATE TRIGGER events_no_replace_version BEFORE INSERT ON events
      WHEN EXISTS (SELECT 1 FROM events
                   WHERE aggregate_type = NEW.aggregate_type AND aggregate_id = NEW.aggregate_id
                     AND version = NEW.version)
      BEGIN
        SELECT RAISE(ABORT, 'Chronicle events are append-only: a stored event cannot be replaced (events.version is already taken in this stream)');
      END`,
  },
];

/**
 * Makes a migrated database's optional indexes and triggers match `profile`: creates the missing
 * ones for `'full'` (building an index reads the whole events table), drops them for `'lean'`.
 * Idempotent; a database that already matches takes no write lock. Otherwise the change runs under
 * `BEGIN IMMEDIATE` and is checked again there, so processes opening one file at once agree.
 */
export function applySchemaProfile(database: SqliteDatabase, profile: SqliteSchemaProfile): void {
  if (mismatchedParts(database, profile).length === 0) return;
  database.exec('BEGIN IMMEDIATE');
  try {
    for (const part of mismatchedParts(database, profile)) {
      database.exec(profile === 'full' ? part.sql : `DROP ${part.type.toUpperCase()} ${part.name}`);
    }
    database.exec('COMMIT');
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
}

/** The optional parts whose presence does not match `profile` (to create for full, to drop for lean). */
function mismatchedParts(database: SqliteDatabase, profile: SqliteSchemaProfile) {
  const present = new Set(
    (
      database
        .prepare(`SELECT name FROM sqlite_schema WHERE tbl_name = 'events' AND type IN ('index', 'trigger')`)
        .all() as { name: string }[]
    ).map((row) => row.name),
  );
  return OPTIONAL_PARTS.filter((part) => present.has(part.name) === (profile === 'lean'));
}
