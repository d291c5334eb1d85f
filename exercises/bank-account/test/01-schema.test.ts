import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSchema } from '#exercise/01-schema';

interface Column {
  name: string;
  notnull: number;
  pk: number;
}

let db: Database.Database;

beforeEach(() => {
  db = new Database(':memory:');
});
afterEach(() => {
  db.close();
});

const columns = (table: string): Column[] => db.prepare(`PRAGMA table_info(${table})`).all() as Column[];

const insertEvent = (row: { eventId: string; aggregateId: string; version: number; data?: string }) =>
  db
    .prepare(
      `INSERT INTO events (event_id, aggregate_id, aggregate_type, event_type, event_data, version, occurred_at)
       VALUES (?, ?, 'BankAccount', 'MoneyDeposited', ?, ?, ?)`,
    )
    .run(row.eventId, row.aggregateId, row.data ?? '{"amount":100}', row.version, Date.now());

/** What SQLite's planner says it will do for a query: one line per step. */
const plan = (sql: string): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');

describe('01-schema: createSchema()', () => {
  it('creates an events table with the lesson’s columns, the required ones NOT NULL', () => {
    createSchema(db);
    const byName = new Map(columns('events').map((c) => [c.name, c]));
    for (const name of ['user_id', 'correlation_id', 'causation_id'])
      expect(byName.has(name), `events must have a ${name} column (it may be NULL)`).toBe(true);
    for (const name of [
      'aggregate_id',
      'aggregate_type',
      'event_type',
      'event_data',
      'version',
      'occurred_at',
    ]) {
      expect(byName.get(name)?.notnull, `events.${name} must exist and be NOT NULL`).toBe(1);
    }
    expect(byName.has('event_id'), 'events.event_id must exist').toBe(true);
  });

  it('allows one event per version per aggregate (the optimistic lock’s last line of defence)', () => {
    createSchema(db);
    insertEvent({ eventId: 'e1', aggregateId: 'acc-1', version: 1 });
    insertEvent({ eventId: 'e2', aggregateId: 'acc-1', version: 2 });
    insertEvent({ eventId: 'e3', aggregateId: 'acc-2', version: 1 });
    expect(
      () => insertEvent({ eventId: 'e4', aggregateId: 'acc-1', version: 2 }),
      'a second event at version 2 of acc-1 must be refused: UNIQUE (aggregate_id, version)',
    ).toThrow(/UNIQUE/i);
  });

  it('never stores two events with the same event_id', () => {
    createSchema(db);
    insertEvent({ eventId: 'same', aggregateId: 'acc-1', version: 1 });
    expect(
      () => insertEvent({ eventId: 'same', aggregateId: 'acc-2', version: 1 }),
      'a second event with event_id "same" must be refused: make event_id the PRIMARY KEY (or UNIQUE)',
    ).toThrow(/UNIQUE|PRIMARY/i);
  });

  it('refuses event_data that is not JSON', () => {
    createSchema(db);
    expect(
      () => insertEvent({ eventId: 'e1', aggregateId: 'acc-1', version: 1, data: '{oops' }),
      'event_data "{oops" must be refused: add CHECK (json_valid(event_data))',
    ).toThrow(/CHECK/i);
    insertEvent({ eventId: 'e2', aggregateId: 'acc-1', version: 1, data: '{"ok":true}' });
  });

  it('has indexes for reading a stream in version order, by event type, and by time', () => {
    createSchema(db);
    const stream = plan("SELECT * FROM events WHERE aggregate_id = 'acc-1' AND version > 0 ORDER BY version");
    expect(
      stream,
      'reading one account in version order must use an index: the UNIQUE (aggregate_id, version) constraint gives one',
    ).toMatch(/USING (COVERING )?INDEX/);
    expect(stream, 'a stream read must not sort in a temp b-tree').not.toMatch(/TEMP B-TREE/);
    expect(
      plan("SELECT * FROM events WHERE event_type = 'MoneyDeposited'"),
      'finding events by type must use an index: CREATE INDEX IF NOT EXISTS idx_events_type ON events (event_type)',
    ).toMatch(/USING (COVERING )?INDEX/);
    expect(
      plan('SELECT * FROM events WHERE occurred_at >= 0'),
      'finding events by time must use an index: CREATE INDEX IF NOT EXISTS idx_events_occurred_at ON events (occurred_at)',
    ).toMatch(/USING (COVERING )?INDEX/);
  });

  it('creates a snapshots table holding one snapshot per aggregate', () => {
    createSchema(db);
    const names = columns('snapshots').map((c) => c.name);
    expect(names, 'snapshots must have these columns').toEqual(
      expect.arrayContaining(['aggregate_id', 'aggregate_type', 'version', 'state', 'created_at']),
    );
    const insert = db.prepare(
      `INSERT INTO snapshots (aggregate_id, aggregate_type, version, state, created_at)
       VALUES ('acc-1', 'BankAccount', ?, '{"balance":0}', ?)`,
    );
    insert.run(10, Date.now());
    expect(() => insert.run(20, Date.now()), 'a second snapshot row for acc-1').toThrow(/UNIQUE|PRIMARY/i);
  });

  it('can run again on a database that has the tables, keeping their rows', () => {
    createSchema(db);
    insertEvent({ eventId: 'e1', aggregateId: 'acc-1', version: 1 });
    createSchema(db);
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM events').get(),
      'running createSchema twice must keep the events already stored: CREATE TABLE IF NOT EXISTS',
    ).toEqual({ n: 1 });
  });
});
