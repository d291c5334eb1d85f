import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, LATEST_SCHEMA_VERSION, MIGRATIONS_TABLE } from '../src/index';
import { MIGRATIONS } from '../src/schema/migrations';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('schema');
afterAll(() => temp.cleanup());

const names = (database: Database.Database, type: string): string[] =>
  (
    database
      .prepare(`SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all(type) as { name: string }[]
  ).map((row) => row.name);

describe('migrations', () => {
  it('create the events, snapshots, event_types, checkpoint, lease, parked-event and projection tables and record each migration once', async () => {
    const filename = temp.file();
    const store = createSqliteEventStore({ filename });
    expect(names(store.database as Database.Database, 'table')).toEqual([
      'checkpoints',
      MIGRATIONS_TABLE,
      'event_types',
      'events',
      'leases',
      'parked_events',
      'projection_documents',
      'projection_versions',
      'snapshots',
    ]);
    await store.close();
    // Reopening runs nothing again.
    const again = createSqliteEventStore({ filename });
    const applied = again.database.prepare(`SELECT version, name FROM ${MIGRATIONS_TABLE}`).all();
    expect(applied).toHaveLength(LATEST_SCHEMA_VERSION);
    expect(applied[0]).toMatchObject({ version: 1 });
    await again.close();
  });

  it('migrate a database created at schema version 1 forward: its events stay, checkpoints work', async () => {
    const filename = temp.file();
    // What the release before the consuming side created: migration 1 only, with an event in it.
    const raw = new Database(filename);
    raw.exec(
      `CREATE TABLE ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`,
    );
    raw.exec(MIGRATIONS[0]!.sql);
    raw.prepare(`INSERT INTO ${MIGRATIONS_TABLE} VALUES (1, ?, 0)`).run(MIGRATIONS[0]!.name);
    raw
      .prepare(
        `INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, schema_version, event_data, occurred_at)
         VALUES ('e-1', 'BankAccount', 'acc-1', 1, 'AccountOpened', 1, '{}', 0)`,
      )
      .run();
    raw.close();

    const store = createSqliteEventStore({ filename });
    expect(store.database.prepare(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`).get()).toEqual({
      v: LATEST_SCHEMA_VERSION,
    });
    expect((await store.getAllEvents()).map((e) => e.eventId)).toEqual(['e-1']);
    await store.checkpoints.save('reader', 1n, { expected: undefined });
    expect((await store.checkpoints.load('reader'))?.position).toBe(1n);
    await store.close();
  });

  it('migrate a database you opened, next to your own tables', async () => {
    const database = new Database(':memory:');
    database.exec('CREATE TABLE mine (x INTEGER)');
    const store = createSqliteEventStore({ database });
    expect(names(database, 'table')).toContain('mine');
    expect(names(database, 'table')).toContain('events');
    await store.close();
    database.close();
  });

  it('refuse a database migrated by a newer release, with a non-retriable StoreUnavailableError', async () => {
    const filename = temp.file();
    await createSqliteEventStore({ filename }).close();
    const raw = new Database(filename);
    raw
      .prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, 'future', 0)`)
      .run(LATEST_SCHEMA_VERSION + 1);
    raw.close();
    expect(() => createSqliteEventStore({ filename })).toThrow(
      expect.objectContaining({
        code: 'STORE_UNAVAILABLE',
        retriable: false,
        message: expect.stringMatching(/newer than this @chronicle\/sqlite/),
      }),
    );
  });
});

describe('indexes serve every read path', () => {
  const database = new Database(':memory:');
  createSqliteEventStore({ database });
  const plan = (sql: string): string =>
    (database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
      .map((row) => row.detail)
      .join(' | ');

  it.each([
    [
      'a stream, forward',
      `SELECT * FROM events WHERE aggregate_type = 'A' AND aggregate_id = 'a' AND version > 0 ORDER BY version`,
      /USING INDEX sqlite_autoindex_events_2 \(aggregate_type=\? AND aggregate_id=\? AND version>\?\)/,
    ],
    [
      'a stream head',
      `SELECT version, position FROM events WHERE aggregate_type = 'A' AND aggregate_id = 'a' ORDER BY version DESC LIMIT 1`,
      /USING COVERING INDEX sqlite_autoindex_events_2/,
    ],
    [
      'events by type and time',
      `SELECT * FROM events WHERE event_type = 'T' AND occurred_at >= 0 ORDER BY position`,
      /USING INDEX events_type_time \(event_type=\? AND occurred_at>\?\)/,
    ],
    [
      'the log from a position',
      `SELECT * FROM events WHERE position > 10 ORDER BY position LIMIT 5`,
      /USING INTEGER PRIMARY KEY \(rowid>\?\)/,
    ],
    [
      'one aggregate type from a position',
      `SELECT * FROM events WHERE aggregate_type = 'A' AND position > 10 ORDER BY position`,
      /USING INDEX events_aggregate_type_position \(aggregate_type=\? AND position>\?\)/,
    ],
    [
      'an event id look-up',
      `SELECT * FROM events WHERE event_id IN (SELECT value FROM json_each('["x"]'))`,
      /USING INDEX sqlite_autoindex_events_1 \(event_id=\?\)/,
    ],
  ])('%s', (_, sql, expected) => {
    const detail = plan(sql);
    expect(detail).toMatch(expected);
    expect(detail).not.toMatch(/SCAN events/);
  });
});
