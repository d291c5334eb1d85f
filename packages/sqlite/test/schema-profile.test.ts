import { InvalidArgumentError } from '@chronicle/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, type SqliteSchemaProfile } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('schema-profile');
afterAll(() => temp.cleanup());

/** What `'full'` has and `'lean'` leaves out. */
const OPTIONAL = [
  'events_aggregate_type_position',
  'events_no_replace_event_id',
  'events_no_replace_version',
  'events_type_time',
];
/** The unique keys and append-only guards every profile keeps. */
const ALWAYS = [
  'events_no_delete',
  'events_no_update',
  'sqlite_autoindex_events_1',
  'sqlite_autoindex_events_2',
];

const schemaOf = (filename: string): string[] => {
  const database = new Database(filename, { readonly: true });
  try {
    return (
      database
        .prepare(
          `SELECT name FROM sqlite_schema WHERE tbl_name = 'events' AND type IN ('index', 'trigger') ORDER BY name`,
        )
        .all() as { name: string }[]
    ).map((row) => row.name);
  } finally {
    database.close();
  }
};

const open = (filename: string, schemaProfile?: SqliteSchemaProfile) =>
  createSqliteEventStore({ filename, ...(schemaProfile !== undefined && { schemaProfile }) });

const ledger = { aggregateType: 'Ledger', aggregateId: 'l-1' };

describe("schemaProfile: 'full' (a new file's) or 'lean'", () => {
  it("a new file is 'full'; 'lean' leaves out the secondary indexes and the no-replace probes only", async () => {
    const full = temp.file();
    await (await open(full)).close();
    expect(schemaOf(full)).toEqual([...ALWAYS, ...OPTIONAL].sort());
    const lean = temp.file();
    await (await open(lean, 'lean')).close();
    expect(schemaOf(lean)).toEqual(ALWAYS);
  });

  it('opening without a profile keeps the one the file has; naming one switches, both ways, on stored events', async () => {
    const filename = temp.file();
    const store = open(filename, 'lean');
    await store.append(ledger, 'no_stream', [
      { eventType: 'Entered', eventData: { amount: 10 } },
      { eventType: 'Corrected', eventData: { amount: -1 } },
    ]);
    await store.close();

    await open(filename).close(); // a tool or a second process with defaults
    expect(schemaOf(filename)).toEqual(ALWAYS);

    const full = open(filename, 'full');
    expect(schemaOf(filename)).toEqual([...ALWAYS, ...OPTIONAL].sort());
    // The rebuilt indexes serve their reads again, and the reads see every stored event.
    const plan = (sql: string) =>
      (full.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((row) => row.detail)
        .join(' | ');
    expect(plan(`SELECT * FROM events WHERE event_type = 'T' AND occurred_at >= 0`)).toMatch(
      /USING INDEX events_type_time/,
    );
    expect((await full.getEventsByType('Corrected')).map((e) => e.version)).toEqual([2]);
    expect((await full.getAllEvents('Ledger')).map((e) => e.version)).toEqual([1, 2]);
    await full.close();

    await open(filename, 'lean').close();
    await open(filename, 'lean').close(); // idempotent
    expect(schemaOf(filename)).toEqual(ALWAYS);
  });

  it('lean keeps history append-only: UPDATE and DELETE are refused, a taken id or version is refused', async () => {
    const filename = temp.file();
    const store = open(filename, 'lean');
    await store.append(ledger, 'no_stream', [
      { eventId: 'e-1', eventType: 'Entered', eventData: { amount: 10 } },
    ]);
    const raw = new Database(filename);
    try {
      expect(() => raw.exec('UPDATE events SET event_data = \'{"amount":99}\'')).toThrow(/append-only/);
      expect(() => raw.exec('DELETE FROM events')).toThrow(/append-only/);
      const insert = `INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, schema_version,
        event_data, occurred_at) VALUES (?, 'Ledger', 'l-1', ?, 'Entered', 1, '{}', 0)`;
      expect(() => raw.prepare(insert).run('e-1', 2)).toThrow(/UNIQUE constraint failed: events.event_id/);
      expect(() => raw.prepare(insert).run('e-2', 1)).toThrow(/UNIQUE constraint failed/);
      // What lean gives up (docs/sqlite.md): a foreign connection's INSERT OR REPLACE is not refused.
      raw.prepare(insert.replace('INSERT', 'INSERT OR REPLACE')).run('e-3', 1);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('a profile that is not one refuses to open, before the file is created', () => {
    const filename = temp.file();
    expect(() => createSqliteEventStore({ filename, schemaProfile: 'small' as SqliteSchemaProfile })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Database(filename, { fileMustExist: true })).toThrow();
  });
});
