import type { SqliteDatabase, SqliteStatement } from '../sqlite-driver';

/**
 * The position as a `number` while it is a safe integer, and as its decimal text beyond 2^53, so that
 * event reads need no safe-integer mode: better-sqlite3 would otherwise hand every integer column of
 * every row back as a `bigint` (measured: 55 more bytes allocated per event read), or round a large
 * position silently. Not named `position`: `ORDER BY position` must keep meaning the column.
 */
const POSITION = `CASE WHEN position <= ${Number.MAX_SAFE_INTEGER} THEN position ELSE CAST(position AS TEXT) END`;

/**
 * The columns a stream read selects, in the order of {@link StreamEventRow}: a stream's events all
 * carry the aggregate type and id the query asked for (compared exactly), so the decoder takes those
 * from the request rather than have the driver build two new strings per row.
 */
const STREAM_EVENT_COLUMNS = `${POSITION}, event_id, version, event_type, schema_version, event_data, metadata,
  occurred_at, user_id, correlation_id, causation_id`;

/** The columns every other event read selects, in the order of {@link EventRow}. */
const EVENT_COLUMNS = `${STREAM_EVENT_COLUMNS}, aggregate_type, aggregate_id`;

/**
 * A stored event as the stream reads return it: a raw row (an array), because building one object
 * per row was half the cost of a replay. Integers come back as `number`s: the position as text beyond
 * 2^53 (see {@link POSITION}); a version or timestamp beyond it fails the decoder's safe-integer
 * check rather than passing rounded.
 */
export type StreamEventRow = readonly [
  position: number | string,
  eventId: string,
  version: number,
  eventType: string,
  schemaVersion: number,
  eventData: string,
  metadata: string | null,
  occurredAt: number,
  userId: string | null,
  correlationId: string | null,
  causationId: string | null,
];

/** A stored event as the other event reads return it: a {@link StreamEventRow} and its stream. */
export type EventRow = readonly [...StreamEventRow, aggregateType: string, aggregateId: string];

/** Where a stored event stands, as the id look-up returns it. */
export interface EventLocationRow {
  readonly event_id: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly version: bigint;
  readonly position: bigint;
}

/** A stream's last event, as the head look-up returns it. */
export interface StreamHeadRow {
  readonly version: bigint;
  readonly position: bigint;
}

/** A stored snapshot row. */
export interface SnapshotRow {
  readonly version: bigint;
  readonly schema_version: bigint;
  readonly state: string;
  readonly created_at: bigint;
}

/** Every statement the store runs, one per query shape, compiled once when the store opens. */
export interface Statements {
  readonly begin: SqliteStatement;
  readonly commit: SqliteStatement;
  readonly rollback: SqliteStatement;
  /** `(aggregateType, aggregateId)` → the stream's last version and position. */
  readonly streamHead: SqliteStatement;
  /** `(eventId)` → where it stands, if stored: {@link locateEvents} for one id. */
  readonly locateEvent: SqliteStatement;
  /** `(json array of event ids)` → where each stored one stands. */
  readonly locateEvents: SqliteStatement;
  readonly insertEvent: SqliteStatement;
  /** `(aggregateType, aggregateId, afterVersion, limit)` ascending, returning {@link StreamEventRow}s. */
  readonly streamForward: SqliteStatement;
  /** `(aggregateType, aggregateId, beforeVersion, limit)` descending, returning {@link StreamEventRow}s. */
  readonly streamBackward: SqliteStatement;
  /** `(eventType, fromMillis)` in position order. */
  readonly eventsByType: SqliteStatement;
  /** `(afterPosition)`. */
  readonly allEvents: SqliteStatement;
  /** `(aggregateType, afterPosition)`. */
  readonly allEventsOfAggregateType: SqliteStatement;
  /** `readAll` pages: `{ after, limit }` plus `aggregateTypes` / `eventTypes` as JSON arrays. */
  readonly readAllPage: SqliteStatement;
  readonly readAllPageByAggregateTypes: SqliteStatement;
  readonly readAllPageByEventTypes: SqliteStatement;
  readonly readAllPageByBoth: SqliteStatement;
  readonly getSnapshot: SqliteStatement;
  readonly saveSnapshot: SqliteStatement;
  readonly upsertEventType: SqliteStatement;
}

/** Compiles every statement of the store against a migrated database. */
export function prepareStatements(database: SqliteDatabase): Statements {
  const prepare = (sql: string): SqliteStatement => database.prepare(sql).safeIntegers(true);
  /** An event read, returning {@link EventRow}s or {@link StreamEventRow}s (no safe integers). */
  const prepareEventRead = (sql: string): SqliteStatement => database.prepare(sql).raw(true);
  // The unary `+` keeps the planner on the position (rowid) order: a readAll page then scans forward
  // from the last position seen and stops after `limit` matches, instead of sorting every match.
  const readAllPage = (filter: string): SqliteStatement =>
    prepareEventRead(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > @after ${filter} ORDER BY position LIMIT @limit`,
    );
  const byAggregateTypes = 'AND +aggregate_type IN (SELECT value FROM json_each(@aggregateTypes))';
  const byEventTypes = 'AND +event_type IN (SELECT value FROM json_each(@eventTypes))';
  return {
    begin: database.prepare('BEGIN IMMEDIATE'),
    commit: database.prepare('COMMIT'),
    rollback: database.prepare('ROLLBACK'),
    streamHead: prepare(
      `SELECT version, position FROM events WHERE aggregate_type = ? AND aggregate_id = ?
       ORDER BY version DESC LIMIT 1`,
    ),
    locateEvents: prepare(
      `SELECT event_id, aggregate_type, aggregate_id, version, position FROM events
       WHERE event_id IN (SELECT value FROM json_each(?))`,
    ),
    locateEvent: prepare(
      'SELECT event_id, aggregate_type, aggregate_id, version, position FROM events WHERE event_id = ?',
    ),
    insertEvent: prepare(
      `INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, schema_version,
         event_data, metadata, occurred_at, user_id, correlation_id, causation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    streamForward: prepareEventRead(
      `SELECT ${STREAM_EVENT_COLUMNS} FROM events WHERE aggregate_type = ? AND aggregate_id = ? AND version > ?
       ORDER BY version LIMIT ?`,
    ),
    streamBackward: prepareEventRead(
      `SELECT ${STREAM_EVENT_COLUMNS} FROM events WHERE aggregate_type = ? AND aggregate_id = ? AND version < ?
       ORDER BY version DESC LIMIT ?`,
    ),
    eventsByType: prepareEventRead(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE event_type = ? AND occurred_at >= ? ORDER BY position`,
    ),
    allEvents: prepareEventRead(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position`),
    allEventsOfAggregateType: prepareEventRead(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE aggregate_type = ? AND position > ? ORDER BY position`,
    ),
    readAllPage: readAllPage(''),
    readAllPageByAggregateTypes: readAllPage(byAggregateTypes),
    readAllPageByEventTypes: readAllPage(byEventTypes),
    readAllPageByBoth: readAllPage(`${byAggregateTypes} ${byEventTypes}`),
    getSnapshot: prepare(
      `SELECT version, schema_version, state, created_at FROM snapshots
       WHERE aggregate_type = ? AND aggregate_id = ?`,
    ),
    // An older snapshot never replaces a newer one; the same version is replaced (a fresher shape).
    saveSnapshot: prepare(
      `INSERT INTO snapshots (aggregate_type, aggregate_id, version, schema_version, state, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET
         version = excluded.version, schema_version = excluded.schema_version,
         state = excluded.state, created_at = excluded.created_at
       WHERE excluded.version >= snapshots.version`,
    ),
    upsertEventType: prepare(
      `INSERT INTO event_types (event_type, schema_version, aggregate_type, json_schema, description,
         created_at, updated_at)
       VALUES (@eventType, @schemaVersion, @aggregateType, @jsonSchema, @description, @now, @now)
       ON CONFLICT (event_type, schema_version) DO UPDATE SET
         aggregate_type = excluded.aggregate_type, json_schema = excluded.json_schema,
         description = excluded.description, updated_at = excluded.updated_at
       WHERE aggregate_type IS NOT excluded.aggregate_type OR json_schema IS NOT excluded.json_schema
         OR description IS NOT excluded.description`,
    ),
  };
}
