import type Database from 'better-sqlite3';
import { NotImplementedError } from './not-implemented-error';

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
  // TODO: write the lesson's two tables as SQLite DDL and run them with `db.exec(sql)`.
  //
  //  events:    event_id (unique), aggregate_id, aggregate_type, event_type, event_data (JSON text),
  //             version, occurred_at (INTEGER milliseconds since 1970 UTC), user_id, correlation_id,
  //             causation_id. Every column but the last three is NOT NULL.
  //             One version per aggregate: UNIQUE (aggregate_id, version).
  //             event_data must be valid JSON: CHECK (json_valid(event_data)).
  //  snapshots: aggregate_id (one row per aggregate), aggregate_type, version, state (JSON text),
  //             created_at.
  //
  // TODO: the lesson writes `INDEX idx (...)` inside CREATE TABLE. That is MySQL syntax: SQLite
  //       (and PostgreSQL) need separate `CREATE INDEX` statements. Look-ups by event_type and by
  //       occurred_at need an index each; does (aggregate_id, version) need one of its own?
  //
  // TODO: running createSchema() on a database that already has the tables must keep them (and
  //       their rows): IF NOT EXISTS.
  void db;
  throw new NotImplementedError('01-schema', 'create the events and snapshots tables in createSchema()');
}
