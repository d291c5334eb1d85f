import { foldAccount } from '../account';
import { AGGREGATE_TYPE } from '../payload';
import { type AccountState, BenchConflict, type ReadEvent, type Subject } from '../subject';
import { openBaselineSqlite } from './baseline-storage';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY,
    event_id       TEXT    NOT NULL UNIQUE,
    aggregate_type TEXT    NOT NULL,
    aggregate_id   TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL DEFAULT 1,
    event_data     TEXT    NOT NULL,
    occurred_at    INTEGER NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, version)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS snapshots (
    aggregate_type TEXT    NOT NULL,
    aggregate_id   TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id)
  ) STRICT, WITHOUT ROWID;
`;

/** A row as the read statements return it: an array (`.raw()`), the cheapest shape better-sqlite3 gives. */
type EventRow = [
  position: number,
  eventId: string,
  aggregateType: string,
  aggregateId: string,
  eventType: string,
  version: number,
  schemaVersion: number,
  eventData: string,
  occurredAt: number,
];

const toReadEvent = ([
  position,
  eventId,
  aggregateType,
  aggregateId,
  eventType,
  version,
  schemaVersion,
  eventData,
  occurredAt,
]: EventRow): ReadEvent => ({
  position: BigInt(position),
  eventId,
  aggregateType,
  aggregateId,
  eventType,
  version,
  schemaVersion,
  data: JSON.parse(eventData),
  occurredAt: new Date(occurredAt),
});

/**
 * The raw better-sqlite3 baseline: the fastest plain code with the adapter's guarantees. WAL,
 * `synchronous = FULL`, a busy timeout; each append is `BEGIN IMMEDIATE`, a read of the stream's
 * head, the expected-version check, one prepared insert per event, `COMMIT`. The (stream, version)
 * and event-id keys are unique; no triggers, no secondary indexes.
 */
export function openRawSqlite(file: string): Subject {
  const { db, write } = openBaselineSqlite(file, SCHEMA);
  const head = db
    .prepare('SELECT max(version) FROM events WHERE aggregate_type = ? AND aggregate_id = ?')
    .pluck();
  const insert = db.prepare(
    `INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, event_data, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = `SELECT position, event_id, aggregate_type, aggregate_id, event_type, version, schema_version, event_data, occurred_at
     FROM events`;
  const streamAfter = db
    .prepare(`${select} WHERE aggregate_type = ? AND aggregate_id = ? AND version > ? ORDER BY version`)
    .raw(true);
  const allPage = db.prepare(`${select} WHERE position > ? ORDER BY position LIMIT ?`).raw(true);
  const getSnapshot = db.prepare(
    'SELECT version, state FROM snapshots WHERE aggregate_type = ? AND aggregate_id = ?',
  );
  const putSnapshot = db.prepare(
    `INSERT INTO snapshots (aggregate_type, aggregate_id, version, state) VALUES (?, ?, ?, ?)
     ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = excluded.version, state = excluded.state
     WHERE excluded.version > snapshots.version`,
  );

  return {
    location: file,

    async append(stream, expectedVersion, events) {
      write(() => {
        const current = (head.get(AGGREGATE_TYPE, stream) as number | null) ?? 0;
        if (current !== expectedVersion) throw new BenchConflict(stream, expectedVersion);
        for (let i = 0; i < events.length; i++) {
          const event = events[i]!;
          insert.run(
            event.eventId,
            AGGREGATE_TYPE,
            stream,
            expectedVersion + i + 1,
            event.eventType,
            JSON.stringify(event.data),
            event.occurredAt.getTime(),
          );
        }
      });
    },

    async streamVersion(stream) {
      return (head.get(AGGREGATE_TYPE, stream) as number | null) ?? 0;
    },

    async readStream(stream) {
      return (streamAfter.all(AGGREGATE_TYPE, stream, 0) as EventRow[]).map(toReadEvent);
    },

    async *readAll(batchSize) {
      let after = 0;
      for (;;) {
        const rows = allPage.all(after, batchSize) as EventRow[];
        for (const row of rows) yield toReadEvent(row);
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]![0];
      }
    },

    async loadAccount(id) {
      const snapshot = getSnapshot.get(AGGREGATE_TYPE, id) as { version: number; state: string } | undefined;
      const from: AccountState | null =
        snapshot === undefined ? null : { id, version: snapshot.version, ...JSON.parse(snapshot.state) };
      const rows = streamAfter.all(AGGREGATE_TYPE, id, from?.version ?? 0) as EventRow[];
      return foldAccount(id, from, rows.map(toReadEvent));
    },

    async saveAccountSnapshot(state) {
      putSnapshot.run(
        AGGREGATE_TYPE,
        state.id,
        state.version,
        JSON.stringify({ balance: state.balance, deposits: state.deposits }),
      );
    },

    async close() {
      db.close();
    },
  };
}
