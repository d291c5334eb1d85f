import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocuments, startProjection } from '@chronicle/core';
import { createSqliteEventStore, MIGRATIONS_TABLE } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancesV1 } from './fixtures/balances-projection';
import { chronicle, startChronicle } from './run-cli';
import { seed } from './seed';

const dir = mkdtempSync(join(tmpdir(), 'chronicle-cli-projections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('./fixtures/balances-projection.ts', import.meta.url));

describe('chronicle rebuild: what it refuses, before touching the store', () => {
  const cases: [string, string[], string][] = [
    ['no --projection', [], "required option '--projection <module#Export>' not specified"],
    [
      'a malformed reference',
      ['--projection', `${fixture}#not-a-name`],
      'expected ./path/to/module.ts#ExportName',
    ],
    ['a missing module', ['--projection', join(dir, 'nope.ts#balances')], 'no file at'],
    [
      'a missing export (listing the module exports)',
      ['--projection', `${fixture}#balancesV9`],
      'has no export "balancesV9" (it exports: balancesV1, balancesV2, notAProjection)',
    ],
    [
      'an export that is not a projection definition',
      ['--projection', `${fixture}#notAProjection`],
      'expected a projection definition (the result of defineProjection',
    ],
  ];
  it.each(cases)('%s: exit 2', async (_name, args, message) => {
    const run = await chronicle(['rebuild', '--db', join(dir, 'absent.db'), ...args]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});

/** A SQLite store seeded with `streams` accounts of 4 events, projected by balances v1 (async). */
async function projectedStore(name: string, streams: number): Promise<string> {
  const file = join(dir, name);
  const store = createSqliteEventStore({ filename: file });
  await seed(store, streams, 4);
  const v1 = startProjection(store, balancesV1);
  await v1.whenProcessed(BigInt(streams * 4 + 1));
  await v1.stop();
  await store.close();
  return file;
}

/** The active balances as the application reads them (readDocuments), by account id. */
async function balances(file: string): Promise<Record<string, unknown>> {
  const store = createSqliteEventStore({ filename: file });
  try {
    const found = await readDocuments(store, 'balances', 'balances').find();
    return Object.fromEntries(found.map((d) => [d.owner, d.balance]));
  } finally {
    await store.close();
  }
}

/** `chronicle rebuild` of balances v2 on `file`, with `more` options. */
const rebuildArgs = (file: string, ...more: string[]) => [
  'rebuild',
  '--db',
  file,
  '--projection',
  `${fixture}#balancesV2`,
  ...more,
];

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('chronicle rebuild and projections on a SQLite file', () => {
  it('builds version 2 beside the active version 1 and switches; a rerun finds it active', async () => {
    const file = await projectedStore('rebuild.db', 3);
    const before = await chronicle(['projections', '--db', file, '--json']);
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({
      head: '13',
      projections: [
        {
          name: 'balances',
          version: 1,
          status: 'active',
          checkpoint: '13',
          lag: '0',
          collections: ['balances'],
        },
      ],
    });
    // Version 1 ignored deposits: every balance is 0.
    expect(await balances(file)).toEqual({ 'owner-0': 0, 'owner-1': 0, 'owner-2': 0 });

    const run = await chronicle(rebuildArgs(file, '--json', '--batch-size', '4'));
    expect(run.code, run.stderr).toBe(0);
    const printed = lines(run.stdout);
    const progress = printed.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ done: '13', total: '13' });
    expect(printed.at(-1)).toMatchObject({
      type: 'done',
      projection: 'balances',
      version: 2,
      outcome: 'switched',
      done: '13',
    });
    expect(await balances(file)).toEqual({ 'owner-0': 60, 'owner-1': 60, 'owner-2': 60 });

    const after = JSON.parse((await chronicle(['projections', '--db', file, '--json'])).stdout);
    expect(after.projections).toMatchObject([
      { version: 1, status: 'retired', collections: [] },
      { version: 2, status: 'active', collections: ['balances'] },
    ]);

    const again = await chronicle(rebuildArgs(file));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('balances v2 is already the active version: nothing to rebuild');
  });

  it("--keep-old keeps the retired version's documents", async () => {
    const file = await projectedStore('keep-old.db', 2);
    const run = await chronicle(rebuildArgs(file, '--keep-old'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('balances v2 is active: 9 positions examined');
    expect(run.stdout).toContain('(older versions kept, retired)');
    const listed = await chronicle(['projections', '--db', file]);
    expect(listed.stdout).toMatch(/balances\s+1\s+retired\s+9\s+0\s+balances/);
    expect(listed.stdout).toMatch(/balances\s+2\s+active\s+9\s+0\s+balances/);
  });

  it('Ctrl+C stops after the batch in hand (exit 1); the same command resumes and switches', async () => {
    const file = await projectedStore('interrupted.db', 10);
    const args = rebuildArgs(file, '--json', '--batch-size', '5');
    const slow = { BALANCES_SLOW_MS: '20' };
    const first = startChronicle(args, slow);
    await first.waitFor('stdout', /"type":"progress"/);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(1);
    const stopped = lines(first.stdout()).at(-1)!;
    expect(stopped).toMatchObject({ type: 'done', outcome: 'stopped' });
    const builtFirst = BigInt(stopped.done as string);
    expect(builtFirst).toBeGreaterThan(0n);
    expect(builtFirst).toBeLessThan(41n);
    const midway = JSON.parse((await chronicle(['projections', '--db', file, '--json'])).stdout);
    expect(midway.projections[1]).toMatchObject({
      version: 2,
      status: 'building',
      checkpoint: String(builtFirst),
    });
    // Readers still see version 1 while version 2 is half built.
    expect(Object.values(await balances(file))).toEqual(Array(10).fill(0));

    const second = await chronicle(args);
    expect(second.code, second.stderr).toBe(0);
    const done = lines(second.stdout).at(-1)!;
    expect(done).toMatchObject({ outcome: 'switched' });
    expect(BigInt(builtFirst) + BigInt(done.done as string)).toBe(41n);
    expect(Object.values(await balances(file))).toEqual(Array(10).fill(60));
  });

  it('rebuild of a projection with no stored version: exit 1, start it first', async () => {
    const file = join(dir, 'unprojected.db');
    const store = createSqliteEventStore({ filename: file });
    await seed(store, 1, 2);
    await store.close();
    const run = await chronicle(rebuildArgs(file));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'projection balances has no stored version yet: start it in your application',
    );
    expect(JSON.parse((await chronicle(['projections', '--db', file, '--json'])).stdout)).toEqual({
      head: '3',
      projections: [],
    });
  });
});

describe('a store whose schema predates projections: exit 1, saying what to do', () => {
  const file = join(dir, 'schema-2.db');
  beforeAll(async () => {
    const store = createSqliteEventStore({ filename: file });
    await seed(store, 2, 2);
    await store.close();
    // What an older release left: the schema before migration 3 (projections).
    const db = new Database(file);
    db.exec(`DROP TABLE projection_documents; DROP TABLE projection_versions;
             DELETE FROM ${MIGRATIONS_TABLE} WHERE version >= 3`);
    db.close();
  });

  it('rebuild names the migration', async () => {
    const run = await chronicle(rebuildArgs(file));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('run `chronicle migrate --db');
  });

  it('projections (and --json: one error object on stderr)', async () => {
    const run = await chronicle(['projections', '--db', file, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: {
        name: 'NotMigratedError',
        message: expect.stringContaining(
          'is at schema version 2, this release needs 3: run `chronicle migrate',
        ),
      },
    });
  });
});
