import { existsSync, statSync } from 'node:fs';
import { MIGRATIONS_TABLE } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import { EVENT_COLUMN_NAMES, type EventRow, toStoredEvent } from './event-row';
import type { Finding, Inspection, StoredEvent, StreamSummary } from './inspection';
import { SCAN_PAGE } from './inspection';
import { NotMigratedError, StoreMissingError } from './open-errors';
import { sqliteProjectionReads } from './projections-sqlite';
import { scanLog } from './scan-log';

/** The triggers migration 1 installs to keep `events` append-only. */
const GUARDS = [
  'events_no_update',
  'events_no_delete',
  'events_no_replace_event_id',
  'events_no_replace_version',
];

const EVENT_COLUMNS = `position, ${EVENT_COLUMN_NAMES}`;

type SqliteEventRow = EventRow<number | bigint, number, string>;
const toEvent = (row: SqliteEventRow): StoredEvent =>
  toStoredEvent(row, {
    position: String,
    time: (ms) => new Date(Number(ms)).toISOString(),
    json: (text) => JSON.parse(text),
  });

/**
 * Opens a SQLite store for reading: read-only and only if the file exists, so a mistyped path never
 * leaves an empty database behind. Fails with {@link NotMigratedError} when it holds no Chronicle schema.
 */
export function openSqliteInspection(filename: string): Inspection {
  if (!existsSync(filename)) throw new StoreMissingError(`no SQLite database at ${filename}`);
  let db: Database.Database;
  try {
    db = new Database(filename, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    // Reading the schema is the first access: it is what fails on a file that is not SQLite at all.
    db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get();
  } catch (error) {
    throw new StoreMissingError(`${filename} is not a SQLite database (${(error as Error).message})`);
  }
  const hasMigrations = db
    .prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`)
    .get(MIGRATIONS_TABLE);
  if (hasMigrations === undefined) {
    db.close();
    throw new NotMigratedError(
      `${filename} holds no Chronicle schema: run \`chronicle migrate --db ${filename}\``,
    );
  }
  const schemaVersion = Number(
    (db.prepare(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`).get() as { v: number | null }).v ?? 0,
  );
  const count = (sql: string): number => Number((db.prepare(sql).get() as { n: number | bigint }).n);

  return {
    adapter: 'sqlite',
    location: filename,
    schemaVersion,
    projections: sqliteProjectionReads(db),
    async status() {
      const head = db.prepare('SELECT max(position) AS p FROM events').get() as { p: number | bigint | null };
      const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
      return {
        adapter: 'sqlite',
        location: filename,
        schemaVersion,
        events: count('SELECT count(*) AS n FROM events'),
        streams: count(
          'SELECT count(*) AS n FROM (SELECT DISTINCT aggregate_type, aggregate_id FROM events)',
        ),
        headPosition: head.p === null ? null : String(head.p),
        sizeBytes: size(filename) + size(`${filename}-wal`),
      };
    },
    async head() {
      const row = db.prepare('SELECT max(position) AS p FROM events').get() as { p: number | bigint | null };
      return row.p === null ? null : String(row.p);
    },
    async streams({ type, idPrefix, after, limit }) {
      // Walks the (aggregate_type, aggregate_id, version) unique index: a page reads only its rows.
      const where: string[] = [];
      const params: unknown[] = [];
      if (type !== undefined) {
        where.push('aggregate_type = ?');
        params.push(type);
      }
      if (idPrefix !== undefined && idPrefix !== '') {
        where.push('aggregate_id >= ? AND aggregate_id < ?');
        params.push(idPrefix, `${idPrefix}\u{10ffff}`);
      }
      if (after !== undefined) {
        where.push('(aggregate_type, aggregate_id) > (?, ?)');
        params.push(after.type, after.id);
      }
      const rows = db
        .prepare(
          `SELECT aggregate_type, aggregate_id, max(version) AS version, max(position) AS last_position
           FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
           GROUP BY aggregate_type, aggregate_id ORDER BY aggregate_type, aggregate_id LIMIT ?`,
        )
        .all(...params, limit) as {
        aggregate_type: string;
        aggregate_id: string;
        version: number;
        last_position: number | bigint;
      }[];
      return rows.map(
        (r): StreamSummary => ({
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          version: Number(r.version),
          lastPosition: String(r.last_position),
        }),
      );
    },
    async streamEvents({ type, id, afterVersion, toVersion, limit }) {
      const rows = db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events
           WHERE aggregate_type = ? AND aggregate_id = ? AND version > ? AND version <= ?
           ORDER BY version LIMIT ?`,
        )
        .all(type, id, afterVersion, toVersion ?? Number.MAX_SAFE_INTEGER, limit) as SqliteEventRow[];
      return rows.map(toEvent);
    },
    async events({ after, type, limit }) {
      const rows = db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ${type === undefined ? '' : 'AND event_type = ?'}
           ORDER BY position LIMIT ?`,
        )
        .all(...(type === undefined ? [after ?? -1] : [after ?? -1, type]), limit) as SqliteEventRow[];
      return rows.map(toEvent);
    },
    async verify(progress) {
      const findings: Finding[] = [];
      const present = new Set(
        (
          db
            .prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'events'`)
            .all() as {
            name: string;
          }[]
        ).map((r) => r.name),
      );
      for (const guard of GUARDS) {
        if (!present.has(guard)) {
          findings.push({
            check: 'guard-missing',
            message: `append-only trigger ${guard} is missing on events`,
          });
        }
      }
      const page = db
        .prepare(
          'SELECT position, aggregate_type, aggregate_id, version FROM events WHERE position > ? ORDER BY position LIMIT ?',
        )
        .safeIntegers(true);
      findings.push(
        ...(await scanLog(
          async (after, limit) =>
            (
              page.all(after ?? -1n, limit) as {
                position: bigint;
                aggregate_type: string;
                aggregate_id: string;
                version: bigint;
              }[]
            ).map((r) => ({
              position: r.position,
              aggregateType: r.aggregate_type,
              aggregateId: r.aggregate_id,
              version: Number(r.version),
            })),
          count('SELECT count(*) AS n FROM events'),
          SCAN_PAGE,
          progress,
        )),
      );
      // Both use an index when the unique constraint stands; they still work (slower) when it is gone.
      for (const r of db
        .prepare('SELECT event_id, count(*) AS n FROM events GROUP BY event_id HAVING count(*) > 1 LIMIT 100')
        .all() as { event_id: string; n: number }[]) {
        findings.push({
          check: 'duplicate-event-id',
          message: `event id ${r.event_id} is stored ${r.n} times`,
        });
      }
      for (const r of db
        .prepare(
          `SELECT s.aggregate_type AS t, s.aggregate_id AS i, s.version AS v,
             (SELECT max(version) FROM events e WHERE e.aggregate_type = s.aggregate_type AND e.aggregate_id = s.aggregate_id) AS head
           FROM snapshots s WHERE head IS NULL OR s.version > head LIMIT 100`,
        )
        .all() as { t: string; i: string; v: number; head: number | null }[]) {
        findings.push({
          check: 'snapshot-ahead',
          message: `snapshot of ${r.t}/${r.i} is at version ${r.v}, but the stream is at ${r.head ?? 0}`,
        });
      }
      return findings;
    },
    async close() {
      db.close();
    },
  };
}
