import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('append-only');
afterAll(() => temp.cleanup());

// Each test gets its own file, seeded with a two-event ledger through the store, and a raw
// connection to it: no test sees what another wrote or closed, so any order (or one alone) works.
let filename: string;
let raw: Database.Database;

beforeEach(async () => {
  filename = temp.file();
  const store = createSqliteEventStore({ filename });
  await store.append({ aggregateType: 'Ledger', aggregateId: 'l-1' }, 'no_stream', [
    { eventType: 'Entered', eventData: { amount: 10 } },
    { eventType: 'Entered', eventData: { amount: 20 } },
  ]);
  await store.close();
  // A raw connection, as a careless script or an attacker with file access would use.
  raw = new Database(filename);
});

afterEach(() => {
  if (raw.open) raw.close();
});

const count = () => (raw.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

describe('history cannot be rewritten', () => {
  it('UPDATE of a stored event fails with a clear message and changes nothing', () => {
    expect(() =>
      raw.prepare(`UPDATE events SET event_data = '{"amount":999}' WHERE version = 1`).run(),
    ).toThrow(/append-only: UPDATE of a stored event is not allowed/);
    expect(raw.prepare('SELECT event_data FROM events WHERE version = 1').get()).toEqual({
      event_data: '{"amount":10}',
    });
  });

  it('DELETE of one event, and of all of them, fails with a clear message and removes nothing', () => {
    expect(() => raw.prepare('DELETE FROM events WHERE version = 2').run()).toThrow(
      /append-only: DELETE of a stored event is not allowed/,
    );
    // An unfiltered DELETE would take SQLite's truncate shortcut, which skips triggers; it must not.
    expect(() => raw.exec('DELETE FROM events')).toThrow(/append-only: DELETE/);
    expect(count()).toBe(2);
  });

  it('an UPSERT that would overwrite a stored event fails too', () => {
    expect(() =>
      raw
        .prepare(
          `INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, schema_version,
             event_data, occurred_at)
           SELECT event_id, aggregate_type, aggregate_id, version, event_type, schema_version, '"x"', 0
           FROM events WHERE version = 1
           ON CONFLICT (event_id) DO UPDATE SET event_data = excluded.event_data`,
        )
        .run(),
    ).toThrow(/Chronicle events are append-only/);
    expect(count()).toBe(2);
  });

  it('appending through the store still works', async () => {
    // The store opens its own connection to the file, beside the raw one.
    const store = createSqliteEventStore({ filename });
    await store.append({ aggregateType: 'Ledger', aggregateId: 'l-1' }, 2, [
      { eventType: 'Reversed', eventData: { of: 1 } },
    ]);
    await store.close();
    expect(count()).toBe(3);
  });
});

describe('a stored event cannot be replaced', () => {
  it.each([
    ['by event id', `'e-new', 'Ledger', 'l-1', 99`, /events\.event_id is already stored/],
    ['by stream version', `'e-fresh', 'Ledger', 'l-1', 1`, /events\.version is already taken/],
  ])('INSERT OR REPLACE %s fails and keeps the stored event', (_, values, message) => {
    const id = (raw.prepare('SELECT event_id FROM events WHERE version = 1').get() as { event_id: string })
      .event_id;
    const sql = `INSERT OR REPLACE INTO events (event_id, aggregate_type, aggregate_id, version, event_type,
       schema_version, event_data, occurred_at) VALUES (${values.replace("'e-new'", `'${id}'`)}, 'Forged', 1, '0', 0)`;
    expect(() => raw.prepare(sql).run()).toThrow(message);
    expect(raw.prepare('SELECT event_type FROM events WHERE version = 1').get()).toEqual({
      event_type: 'Entered',
    });
  });
});
