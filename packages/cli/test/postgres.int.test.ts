import { randomBytes } from 'node:crypto';
import { startProjection } from '@chronicle/core';
import { createPostgresEventStore } from '@chronicle/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancesV1 } from './fixtures/balances-projection';
import { chronicle, json, startChronicle } from './run-cli';
import { seed } from './seed';
import { storeCommandTests } from './store-commands';

const url = process.env.CHRONICLE_PG_URL;
if ((url === undefined || url === '') && process.env.CI === 'true') {
  throw new Error('CHRONICLE_PG_URL is not set, and under CI=true the PostgreSQL tests must run');
}
// Without a URL (and outside CI) the suite is skipped with the reason in its name, never silently.
const describePg = url === undefined || url === '' ? describe.skip : describe;
const title = (name: string) =>
  url === undefined || url === '' ? `${name} — skipped: CHRONICLE_PG_URL is not set` : name;

const fresh = (prefix: string) => `t_cli_${prefix}_${randomBytes(5).toString('hex')}`;
const schemas: string[] = [];
let raw: pg.Pool;

beforeAll(() => {
  raw = new pg.Pool({ connectionString: url, max: 3 });
  raw.on('error', () => {});
});
afterAll(async () => {
  for (const s of schemas) await raw.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await raw.end();
});

async function seededSchema(prefix: string): Promise<string> {
  const schema = fresh(prefix);
  schemas.push(schema);
  const store = createPostgresEventStore({ connectionString: url!, schema });
  try {
    await seed(store, 3, 4);
  } finally {
    await store.close();
  }
  return schema;
}

describePg(title('chronicle on PostgreSQL'), () => {
  let schema = '';
  beforeAll(async () => {
    schema = await seededSchema('seeded');
  });
  storeCommandTests(() => ({ args: ['--db', url!, '--schema', schema] }));

  it('stream --aggregate rebuilds the state through the PostgreSQL store (read-only session)', async () => {
    const model = `${import.meta.dirname}/fixtures/account-model.ts#accountDecider`;
    const run = await chronicle([
      'stream',
      'Account/acc-2',
      '--at',
      '2',
      '--aggregate',
      model,
      '--json',
      '--db',
      url!,
      '--schema',
      schema,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({
      model: 'AccountDecider',
      version: 2,
      state: { owner: 'owner-2', balance: 10, deposits: 1 },
    });
  });

  it('events reads the log through --read-replica (a server answering reads; the standby itself is proved in @chronicle/postgres)', async () => {
    const args = ['events', '--json', '--db', url!, '--schema', schema];
    const direct = await chronicle(args);
    // A replica URL that does not answer: reads fall back to the primary, so the output is the same.
    const unreachable = await chronicle([...args, '--read-replica', 'postgres://postgres@127.0.0.1:1/none']);
    const replicated = await chronicle([...args, '--read-replica', url!]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(replicated.code, replicated.stderr).toBe(0);
    expect(unreachable.code, unreachable.stderr).toBe(0);
    expect(json(replicated)).toEqual(json(direct));
    expect(json(unreachable)).toEqual(json(direct));
  });

  it('inspect serves the API on PostgreSQL: overview, a streams page, an event, the state', async () => {
    const model = `Account=${import.meta.dirname}/fixtures/account-model.ts#Account`;
    const inspector = startChronicle([
      'inspect',
      '--port',
      '0',
      '--json',
      '--aggregate',
      model,
      '--db',
      url!,
      '--schema',
      schema,
    ]);
    try {
      const { url: base } = JSON.parse((await inspector.waitFor('stdout', /\{.*\}\n/))[0]);
      const get = async (path: string) =>
        (await fetch(`${base}${path}`)).json() as Promise<Record<string, unknown>>;
      expect(await get('api/overview')).toMatchObject({
        adapter: 'postgres',
        allowWrites: false,
        models: [{ aggregateType: 'Account', name: 'Account', kind: 'aggregate' }],
      });
      const page = await get('api/streams?type=Account&limit=2');
      expect(page).toMatchObject({
        streams: [{ aggregateId: 'acc-0' }, { aggregateId: 'acc-1' }],
        next: 'Account/acc-1',
      });
      const events = (await get('api/stream?type=Account&id=acc-1')).events as { position: string }[];
      expect(events).toHaveLength(4);
      expect(await get(`api/event?position=${events[0]!.position}`)).toMatchObject({
        event: { eventType: 'AccountOpened', version: 1 },
        upcast: null,
      });
      expect(await get('api/state?type=Account&id=acc-1&version=3')).toEqual({
        model: 'Account',
        version: 3,
        state: { owner: 'owner-1', balance: 30 },
      });
    } finally {
      inspector.child.kill('SIGTERM');
      expect(await inspector.exited).toBe(0);
    }
  });

  it('status names each open transaction holding the read horizon: pid, state, start, query', async () => {
    const holder = await raw.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id() AS held_for_the_cli_test');
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const run = await chronicle(['status', '--json', '--db', url!, '--schema', schema]);
      expect(run.code, run.stderr).toBe(0);
      const held = (
        json(run).horizonHolders as {
          pid: number;
          state: string;
          xactStart: string;
          backendXid: string;
          query: string;
        }[]
      ).find((h) => h.pid === rows[0]!.pid);
      expect(held).toMatchObject({
        state: 'idle in transaction',
        backendXid: expect.stringMatching(/^\d+$/),
      });
      expect(held!.query).toContain('pg_backend_pid');
      expect(Number.isNaN(Date.parse(held!.xactStart))).toBe(false);
      const text = await chronicle(['status', '--db', url!, '--schema', schema]);
      expect(text.stdout).toMatch(
        new RegExp(`read horizon held by:\\n[^]*\\n${rows[0]!.pid}\\s+idle in transaction`),
      );
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});

describePg(title('chronicle migrate on PostgreSQL'), () => {
  it('creates the schema, then reports it current; read commands refuse a schema that is not there', async () => {
    const schema = fresh('migrate');
    schemas.push(schema);
    const before = await chronicle(['status', '--db', url!, '--schema', schema, '--json']);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stderr).error).toMatchObject({
      name: 'StoreMissingError',
      code: 'STORE_UNAVAILABLE',
    });
    const { rows } = await raw.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(rows).toEqual([]); // reading created nothing

    const created = await chronicle(['migrate', '--db', url!, '--schema', schema, '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(json(created)).toMatchObject({
      adapter: 'postgres',
      changed: true,
      schemaVersion: expect.any(Number),
    });
    expect(json(await chronicle(['migrate', '--db', url!, '--schema', schema, '--json'])).changed).toBe(
      false,
    );
    expect(json(await chronicle(['status', '--db', url!, '--schema', schema, '--json']))).toMatchObject({
      events: 0,
      streams: 0,
    });
  });

  it('a schema that exists but is not migrated: exit 1, told to migrate', async () => {
    const schema = fresh('bare');
    schemas.push(schema);
    await raw.query(`CREATE SCHEMA "${schema}"`);
    const run = await chronicle(['streams', '--db', url!, '--schema', schema]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `schema "${schema}" holds no Chronicle store: run \`chronicle migrate --schema ${schema}\``,
    );
  });
});

describePg(title('chronicle processors on PostgreSQL'), () => {
  it('lists checkpoints when the adapter has subscriptions, else says it does not yet (exit 1)', async () => {
    const schema = await seededSchema('processors');
    const probe = createPostgresEventStore({ connectionString: url!, schema, autoMigrate: false });
    const subscribable =
      'checkpoints' in probe && typeof (probe as { subscribe?: unknown }).subscribe === 'function';
    await probe.close();
    const run = await chronicle(['processors', '--json', '--db', url!, '--schema', schema]);
    if (subscribable) {
      expect(run.code, run.stderr).toBe(0);
      expect(json(run)).toMatchObject({ processors: [] });
    } else {
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stderr).error).toMatchObject({
        name: 'NotSupportedError',
        message: expect.stringContaining('processors needs subscriptions and checkpoints'),
      });
    }
  });

  it('rebuild builds balances v2 beside v1 and switches; projections and the documents API show it', async () => {
    const schema = await seededSchema('rebuild');
    const store = createPostgresEventStore({ connectionString: url!, schema });
    try {
      const v1 = startProjection(store, balancesV1);
      const { rows } = await raw.query(`SELECT max(position)::text AS head FROM "${schema}".events`);
      await v1.whenProcessed(BigInt(rows[0].head));
      await v1.stop();
    } finally {
      await store.close();
    }
    const db = ['--db', url!, '--schema', schema];
    const projection = `${import.meta.dirname}/fixtures/balances-projection.ts#balancesV2`;
    const run = await chronicle([
      'rebuild',
      ...db,
      '--projection',
      projection,
      '--json',
      '--batch-size',
      '5',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const last = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ type: 'done', version: 2, outcome: 'switched' });
    const listed = json<{ projections: unknown[] }>(await chronicle(['projections', ...db, '--json']));
    expect(listed.projections).toMatchObject([
      { name: 'balances', version: 1, status: 'retired', collections: [] },
      { name: 'balances', version: 2, status: 'active', collections: ['balances'] },
    ]);
    const inspector = startChronicle(['inspect', ...db, '--port', '0', '--json']);
    try {
      const { url: base } = JSON.parse((await inspector.waitFor('stdout', /\{.*\}\n/))[0]);
      const page = (await (
        await fetch(`${base}api/documents?projection=balances&collection=balances&limit=2&after=acc-0`)
      ).json()) as { documents: { id: string; data: unknown }[]; next: string | null };
      expect(page.documents).toEqual([
        { id: 'acc-1', data: { owner: 'owner-1', balance: 60 }, updatedAt: expect.any(String) },
        { id: 'acc-2', data: { owner: 'owner-2', balance: 60 }, updatedAt: expect.any(String) },
      ]);
      expect(page.next).toBeNull();
    } finally {
      inspector.child.kill('SIGTERM');
      await inspector.exited;
    }
  });
});

describe('chronicle on an unreachable PostgreSQL server', () => {
  it('exits 1 naming the server, without the password', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const run = await chronicle(['status', '--db', 'postgres://app:s3cret@127.0.0.1:1/db', '--json']);
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stderr).error;
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(error.message).toContain('cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:1/db');
    expect(run.stderr).not.toContain('s3cret');
  });
});

describePg(title('chronicle verify on a damaged PostgreSQL schema'), () => {
  it('lists the disabled guard, the version gap and the stream head mismatch, and exits 1', async () => {
    const schema = await seededSchema('damaged');
    const q = `"${schema}"`;
    await raw.query(`ALTER TABLE ${q}.events DISABLE TRIGGER events_append_only`);
    await raw.query(`UPDATE ${q}.events SET version = 9 WHERE aggregate_id = 'acc-1' AND version = 4`);
    const run = await chronicle(['verify', '--db', url!, '--schema', schema, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(json<{ findings: unknown[] }>(run).findings).toEqual([
      {
        check: 'guard-missing',
        message: `append-only trigger events_append_only is disabled on ${schema}.events`,
      },
      {
        check: 'version-gap',
        message: expect.stringMatching(/^stream Account\/acc-1: version 9 at position \d+, expected 4$/),
      },
      {
        check: 'stream-head-mismatch',
        message: 'stream Account/acc-1: the streams table says version 4, the log says 9',
      },
    ]);
  });
});
