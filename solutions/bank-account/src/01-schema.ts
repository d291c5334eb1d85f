import type Database from 'better-sqlite3';

/**
 * The lesson's schema, written for SQLite. What changed from the lesson's PostgreSQL DDL, and why:
 *
 * - `INDEX ...` inside `CREATE TABLE` is MySQL syntax; PostgreSQL and SQLite reject it. Indexes are
 *   separate `CREATE INDEX` statements.
 * - No separate index on `(aggregate_id, version)`: the UNIQUE constraint already creates exactly that
 *   index, so a second one would only slow every insert down.
 * - SQLite has no UUID or JSONB: ids are TEXT, JSON is TEXT guarded by `json_valid()`.
 * - Time is INTEGER milliseconds since 1970-01-01 UTC: unambiguous, unlike the lesson's
 *   `TIMESTAMP` without time zone, whose meaning depends on the server's zone setting.
 * - `IF NOT EXISTS` everywhere, so opening an existing database is harmless.
 * - `STRICT` tables refuse values of the wrong type instead of silently storing them.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    event_id        TEXT    NOT NULL PRIMARY KEY,
    aggregate_id    TEXT    NOT NULL,
    aggregate_type  TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    event_data      TEXT    NOT NULL CHECK (json_valid(event_data)),
    version         INTEGER NOT NULL CHECK (version >= 1),
    occurred_at     INTEGER NOT NULL,
    user_id         TEXT,
    correlation_id  TEXT,
    causation_id    TEXT,
    -- Optimistic locking's last line of defence: one event per version per stream. Its index also
    -- serves "read a stream in version order".
    CONSTRAINT unique_aggregate_version UNIQUE (aggregate_id, version)
  ) STRICT;

  CREATE INDEX IF NOT EXISTS idx_events_type ON events (event_type);
  CREATE INDEX IF NOT EXISTS idx_events_occurred_at ON events (occurred_at);

  -- One snapshot per aggregate: the newest one.
  CREATE TABLE IF NOT EXISTS snapshots (
    aggregate_id    TEXT    NOT NULL PRIMARY KEY,
    aggregate_type  TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    state           TEXT    NOT NULL CHECK (json_valid(state)),
    created_at      INTEGER NOT NULL
  ) STRICT;

  CREATE INDEX IF NOT EXISTS idx_snapshots_type ON snapshots (aggregate_type);
`;

/**
 * Creates the `events` and `snapshots` tables and their indexes, unless they exist already.
 *
 * @example
 * ```ts
 * const db = new Database('bank.sqlite');
 * createSchema(db);
 * ```
 */
export function createSchema(db: Database.Database): void {
  // exec() runs several statements; one transaction makes the schema appear all at once.
  db.transaction(() => db.exec(SCHEMA))();
}
