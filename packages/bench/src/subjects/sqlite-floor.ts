import { foldAccount } from '../account';
import { type AccountState, BenchConflict, type StoredEvent, type Subject } from '../subject';
import { openBaselineSqlite } from './baseline-storage';

/**
 * The floor: stream id, version, type and JSON text; the rowid is the read-all position (SQLite
 * gives it for free). One unique key, (stream, version). Snapshots only because W5 loads from one.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    stream  TEXT    NOT NULL,
    version INTEGER NOT NULL,
    type    TEXT    NOT NULL,
    data    TEXT    NOT NULL,
    UNIQUE (stream, version)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS snapshots (
    stream  TEXT    PRIMARY KEY,
    version INTEGER NOT NULL,
    state   TEXT    NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

type StreamRow = [version: number, type: string, data: string];
type PageRow = [position: number, version: number, type: string, data: string];

const toStored = ([version, eventType, data]: StreamRow): StoredEvent => ({
  version,
  eventType,
  data: JSON.parse(data),
});

/**
 * The least an event store can be on better-sqlite3, with the adapter's durability (WAL,
 * `synchronous = FULL`): each append is `BEGIN IMMEDIATE`, the stream's head, the expected-version
 * check, one prepared insert per event, `COMMIT`; reads return `{ version, type, data }` (read-all
 * adds the position) from array rows. No event id, no timestamps, no metadata, no triggers.
 */
export function openFloorSqlite(file: string): Subject {
  const { db, write } = openBaselineSqlite(file, SCHEMA);
  const head = db.prepare('SELECT max(version) FROM events WHERE stream = ?').pluck();
  const insert = db.prepare('INSERT INTO events (stream, version, type, data) VALUES (?, ?, ?, ?)');
  const streamAfter = db
    .prepare('SELECT version, type, data FROM events WHERE stream = ? AND version > ? ORDER BY version')
    .raw(true);
  const allPage = db
    .prepare('SELECT rowid, version, type, data FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?')
    .raw(true);
  const getSnapshot = db.prepare('SELECT version, state FROM snapshots WHERE stream = ?');
  const putSnapshot = db.prepare(
    `INSERT INTO snapshots (stream, version, state) VALUES (?, ?, ?)
     ON CONFLICT (stream) DO UPDATE SET version = excluded.version, state = excluded.state
     WHERE excluded.version > snapshots.version`,
  );

  return {
    location: file,

    async append(stream, expectedVersion, events) {
      write(() => {
        const current = (head.get(stream) as number | null) ?? 0;
        if (current !== expectedVersion) throw new BenchConflict(stream, expectedVersion);
        for (let i = 0; i < events.length; i++) {
          const event = events[i]!;
          insert.run(stream, expectedVersion + i + 1, event.eventType, JSON.stringify(event.data));
        }
      });
    },

    async streamVersion(stream) {
      return (head.get(stream) as number | null) ?? 0;
    },

    async readStream(stream) {
      return (streamAfter.all(stream, 0) as StreamRow[]).map(toStored);
    },

    async *readAll(batchSize) {
      let after = 0;
      for (;;) {
        const rows = allPage.all(after, batchSize) as PageRow[];
        for (const [position, version, eventType, data] of rows)
          yield { position: BigInt(position), version, eventType, data: JSON.parse(data) };
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]![0];
      }
    },

    async loadAccount(id) {
      const snapshot = getSnapshot.get(id) as { version: number; state: string } | undefined;
      const from: AccountState | null =
        snapshot === undefined ? null : { id, version: snapshot.version, ...JSON.parse(snapshot.state) };
      const rows = streamAfter.all(id, from?.version ?? 0) as StreamRow[];
      return foldAccount(id, from, rows.map(toStored));
    },

    async saveAccountSnapshot(state) {
      putSnapshot.run(
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
