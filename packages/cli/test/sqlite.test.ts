import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chronicle, json } from './run-cli';
import { seed } from './seed';
import { storeCommandTests } from './store-commands';

const dir = mkdtempSync(join(tmpdir(), 'chronicle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chronicle on a SQLite file', () => {
  const file = join(dir, 'seeded.db');
  beforeAll(async () => {
    const store = createSqliteEventStore({ filename: file });
    await seed(store, 3, 4);
    await store.close();
  });
  storeCommandTests(() => ({ args: ['--db', `sqlite:${file}`] }));

  it('takes the store from CHRONICLE_DB when --db is absent', async () => {
    const run = await chronicle(['status', '--json'], { CHRONICLE_DB: file });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({ adapter: 'sqlite', location: file, events: 13 });
  });
});

describe('chronicle migrate on SQLite', () => {
  it('creates the file with the schema, then reports it current', async () => {
    const file = join(dir, 'new.db');
    const created = await chronicle(['migrate', '--db', file, '--json']);
    expect(created.code, created.stderr).toBe(0);
    // The version the file now records: whatever the SQLite adapter's newest migration is.
    const recorded = new Database(file, { readonly: true });
    const { latest } = recorded.prepare('SELECT max(version) AS latest FROM chronicle_migrations').get() as {
      latest: number;
    };
    recorded.close();
    expect(latest).toBeGreaterThanOrEqual(1);
    expect(json(created)).toEqual({
      adapter: 'sqlite',
      location: file,
      schemaVersion: latest,
      changed: true,
    });
    const again = json(await chronicle(['migrate', '--db', file, '--json']));
    expect(again.changed).toBe(false);
    expect(json(await chronicle(['status', '--db', file, '--json']))).toMatchObject({
      events: 0,
      streams: 0,
      headPosition: null,
    });
  });
});

describe('chronicle refuses what is not a Chronicle SQLite store, creating nothing', () => {
  it('a missing file: exit 1, and no file appears', async () => {
    const file = join(dir, 'typo.db');
    for (const command of [['status'], ['streams'], ['stream', 'A/1'], ['events'], ['verify']]) {
      const run = await chronicle([...command, '--db', file]);
      expect(run.code, command.join(' ')).toBe(1);
      expect(run.stderr).toContain(`no SQLite database at ${file}`);
    }
    expect(existsSync(file)).toBe(false);
  });

  it('a file that is not SQLite: exit 1 with the reason', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'these are not the events you are looking for\n'.repeat(100));
    const run = await chronicle(['status', '--db', file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      name: 'StoreMissingError',
    });
    expect(JSON.parse(run.stderr).error.message).toContain('is not a SQLite database');
  });

  it('a SQLite file without the schema: exit 1, told to migrate, and left unmigrated', async () => {
    const file = join(dir, 'empty.db');
    new Database(file).close();
    const run = await chronicle(['events', '--db', file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      name: 'NotMigratedError',
    });
    expect(run.stderr).toContain('chronicle migrate');
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM sqlite_schema').get()).toEqual({ n: 0 });
    raw.close();
  });
});

describe('chronicle verify on a damaged SQLite file', () => {
  it('lists each finding and exits 1', async () => {
    const file = join(dir, 'damaged.db');
    const store = createSqliteEventStore({ filename: file });
    await seed(store, 3, 4);
    await store.close();
    // Damage it the only way history can be rewritten: drop the guards, then edit rows directly.
    const raw = new Database(file);
    raw.exec(`
      DROP TRIGGER events_no_update;
      UPDATE events SET version = 7 WHERE aggregate_id = 'acc-2' AND version = 3;
      INSERT OR REPLACE INTO snapshots VALUES ('Ledger', 'main', 9, 1, '{}', 0);
    `);
    raw.close();
    const run = await chronicle(['verify', '--db', file, '--json']);
    expect(run.code).toBe(1);
    const report = json<{ ok: boolean; findings: { check: string; message: string }[] }>(run);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      { check: 'guard-missing', message: 'append-only trigger events_no_update is missing on events' },
      {
        check: 'version-gap',
        message: expect.stringMatching(/^stream Account\/acc-2: version 7 at position \d+, expected 3$/),
      },
      {
        check: 'version-gap',
        message: expect.stringMatching(/^stream Account\/acc-2: version 4 at position \d+, expected 8$/),
      },
      { check: 'snapshot-ahead', message: 'snapshot of Ledger/main is at version 9, but the stream is at 1' },
    ]);
    const text = await chronicle(['verify', '--db', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^4 findings \(13 events checked\):\n {2}guard-missing {2}append-only trigger events_no_update/,
    );
  });
});
