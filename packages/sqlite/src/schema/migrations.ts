/**
 * The schema, as an ordered list of migrations. A migration is never edited once released: a change
 * is a new entry with the next version, so every database reaches the same schema by the same steps.
 */
export interface Migration {
  /** 1, 2, 3, … in order, without gaps. */
  readonly version: number;
  /** A short name, kept in the migrations table for humans. */
  readonly name: string;
  /** The DDL, run inside the migrating transaction. */
  readonly sql: string;
}

/** The table that records which migrations a database has had. */
export const MIGRATIONS_TABLE = 'chronicle_migrations';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, snapshots, event types',
    sql: `
      -- position is the rowid: assigned under SQLite's single write lock, so positions increase in
      -- commit order and a reader resuming from the last position it saw never skips a commit.
      CREATE TABLE events (
        position        INTEGER PRIMARY KEY,
        event_id        TEXT    NOT NULL,
        aggregate_type  TEXT    NOT NULL,
        aggregate_id    TEXT    NOT NULL,
        version         INTEGER NOT NULL CHECK (version >= 1),
        event_type      TEXT    NOT NULL,
        schema_version  INTEGER NOT NULL CHECK (schema_version >= 1),
        event_data      TEXT    NOT NULL,  -- JSON
        metadata        TEXT,              -- JSON object, or NULL
        occurred_at     INTEGER NOT NULL,  -- milliseconds since 1970-01-01 UTC
        user_id         TEXT,
        correlation_id  TEXT,
        causation_id    TEXT,
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        -- Serves stream reads (forward, backward, current version) and forbids a doubled version.
        CONSTRAINT events_stream_version_unique UNIQUE (aggregate_type, aggregate_id, version)
      ) STRICT;

      -- getEventsByType(type, fromDate).
      CREATE INDEX events_type_time ON events (event_type, occurred_at);
      -- getAllEvents(aggregateType, fromPosition) and readAll({ aggregateTypes }).
      CREATE INDEX events_aggregate_type_position ON events (aggregate_type, position);

      -- History cannot be rewritten: the log only grows.
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN
        SELECT RAISE(ABORT, 'Chronicle events are append-only: UPDATE of a stored event is not allowed (history cannot be rewritten; append a compensating event instead)');
      END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      BEGIN
        SELECT RAISE(ABORT, 'Chronicle events are append-only: DELETE of a stored event is not allowed (history cannot be rewritten; append a compensating event instead)');
      END;
      -- INSERT OR REPLACE deletes the row it collides with without firing DELETE triggers (unless a
      -- connection enables recursive_triggers), so a collision is refused before it can happen. The
      -- messages name the column, as SQLite's own unique violations do, so the store can tell them apart.
      CREATE TRIGGER events_no_replace_event_id BEFORE INSERT ON events
      WHEN EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
      BEGIN
        SELECT RAISE(ABORT, 'Chronicle events are append-only: a stored event cannot be replaced (events.event_id is already stored)');
      END;
      CREATE TRIGGER events_no_replace_version BEFORE INSERT ON events
      WHEN EXISTS (SELECT 1 FROM events
                   WHERE aggregate_type = NEW.aggregate_type AND aggregate_id = NEW.aggregate_id
                     AND version = NEW.version)
      BEGIN
        SELECT RAISE(ABORT, 'Chronicle events are append-only: a stored event cannot be replaced (events.version is already taken in this stream)');
      END;

      -- The newest snapshot per stream.
      CREATE TABLE snapshots (
        aggregate_type  TEXT    NOT NULL,
        aggregate_id    TEXT    NOT NULL,
        version         INTEGER NOT NULL CHECK (version >= 1),
        schema_version  INTEGER NOT NULL CHECK (schema_version >= 1),
        state           TEXT    NOT NULL,  -- JSON
        created_at      INTEGER NOT NULL,  -- milliseconds since 1970-01-01 UTC
        PRIMARY KEY (aggregate_type, aggregate_id)
      ) STRICT, WITHOUT ROWID;

      -- The event-type registry's definitions (the lesson's event_types table), one row per shape.
      CREATE TABLE event_types (
        event_type      TEXT    NOT NULL,
        schema_version  INTEGER NOT NULL CHECK (schema_version >= 1),
        aggregate_type  TEXT    NOT NULL,
        json_schema     TEXT    NOT NULL,  -- JSON Schema
        description     TEXT,
        created_at      INTEGER NOT NULL,  -- milliseconds since 1970-01-01 UTC
        updated_at      INTEGER NOT NULL,
        PRIMARY KEY (event_type, schema_version)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'checkpoints, leases, parked events',
    sql: `
      -- The consuming side's state. Unlike events these rows change (the append-only guards do not
      -- apply); every change goes through compare-and-set in a BEGIN IMMEDIATE transaction.
      CREATE TABLE checkpoints (
        processor_id  TEXT    NOT NULL PRIMARY KEY,
        position      INTEGER NOT NULL CHECK (position >= 0),
        updated_at    INTEGER NOT NULL   -- milliseconds since 1970-01-01 UTC
      ) STRICT, WITHOUT ROWID;

      -- One row per processor id, kept after release so the fencing token only ever grows.
      CREATE TABLE leases (
        processor_id  TEXT    NOT NULL PRIMARY KEY,
        owner         TEXT    NOT NULL,
        token         INTEGER NOT NULL CHECK (token >= 1),
        expires_at    INTEGER NOT NULL   -- milliseconds since 1970-01-01 UTC; 0 once released
      ) STRICT, WITHOUT ROWID;

      -- Events a processor gave up on (onFailure: 'park'), with the last error; the event itself
      -- stays in the log at its position.
      CREATE TABLE parked_events (
        processor_id  TEXT    NOT NULL,
        position      INTEGER NOT NULL CHECK (position >= 0),
        event_id      TEXT    NOT NULL,
        event_type    TEXT    NOT NULL,
        error         TEXT    NOT NULL,
        attempts      INTEGER NOT NULL CHECK (attempts >= 0),
        parked_at     INTEGER NOT NULL,
        PRIMARY KEY (processor_id, position)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'projection versions, projection documents',
    sql: `
      -- Each stored version of a projection: 'building' (from the log, not read yet), 'active' (the
      -- one readers see; at most one per name) or 'retired' (replaced; documents kept on request).
      -- A rebuild's switch is two status updates in the transaction of its last batch.
      CREATE TABLE projection_versions (
        name        TEXT    NOT NULL,
        version     INTEGER NOT NULL CHECK (version >= 1),
        status      TEXT    NOT NULL CHECK (status IN ('building', 'active', 'retired')),
        updated_at  INTEGER NOT NULL,  -- milliseconds since 1970-01-01 UTC
        PRIMARY KEY (name, version)
      ) STRICT, WITHOUT ROWID;

      -- Read-model documents, keyed by the projection's version so two versions live side by side.
      -- Writes go through the same BEGIN IMMEDIATE transaction as the checkpoint they belong to.
      CREATE TABLE projection_documents (
        projection  TEXT    NOT NULL,
        version     INTEGER NOT NULL CHECK (version >= 1),
        collection  TEXT    NOT NULL,
        id          TEXT    NOT NULL,
        data        TEXT    NOT NULL,  -- JSON object
        updated_at  INTEGER NOT NULL,  -- milliseconds since 1970-01-01 UTC
        PRIMARY KEY (projection, version, collection, id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/** The schema version this release of the store writes and reads. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
