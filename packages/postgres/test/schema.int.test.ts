import type { EventTypeRegistry } from '@chronicle/core';
import { isStoreUnavailableError } from '@chronicle/core';
import { expect, it } from 'vitest';
import { createPostgresEventStore, migratePostgres } from '../src/index';
import { MIGRATIONS } from '../src/schema/migrations';

/** The schema version this release migrates to, and every migration's version. */
const LATEST = MIGRATIONS.length;
const ALL = MIGRATIONS.map((m) => m.version);

import {
  createReleasedSchema,
  describePostgres,
  freshSchemaName,
  target,
  useStores,
  waitFor,
} from './support/postgres';
import { recordingPool } from './support/recording-pool';
import { type ChildOutcome, runTsx } from './support/run-tsx';

/** Runs the migrate CLI as a real child process. */
function runCli(args: string[]): Promise<ChildOutcome> {
  return runTsx('src/cli/migrate-cli.ts', args, { ...process.env, CHRONICLE_PG_URL: '', DATABASE_URL: '' });
}

const registry = (description: string): EventTypeRegistry => ({
  definitions: () => [
    {
      eventType: 'MoneyDeposited',
      aggregateType: 'BankAccount',
      schemaVersion: 1,
      schema: { type: 'object', properties: { amount: { type: 'number' } } },
      description,
    },
    {
      eventType: 'AccountOpened',
      aggregateType: 'BankAccount',
      schemaVersion: 2,
      schema: { type: 'object' },
    },
  ],
  validate: () => {},
});

describePostgres('postgres store: schema and migrations', () => {
  const stores = useStores('schema');

  it('migrates once, records the version, and a second migrate applies nothing', async () => {
    const store = stores.create({ autoMigrate: false });
    expect(await store.migrate()).toMatchObject({ schema: store.schema, version: LATEST, applied: ALL });
    expect(await store.migrate()).toMatchObject({ version: LATEST, applied: [], realigned: false });
    const { rows } = await stores.pool.query(`SELECT version FROM "${store.schema}".chronicle_migrations`);
    expect(rows).toEqual(ALL.map((version) => ({ version })));
    const columns = await stores.pool.query(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'timestamp with time zone' ORDER BY 1, 2",
      [store.schema],
    );
    expect(columns.rows.map((r) => `${r.table_name}.${r.column_name}`)).toEqual(
      expect.arrayContaining(['events.occurred_at', 'snapshots.created_at', 'event_types.registered_at']),
    );
  });

  it('two processes running the migrate CLI at once both succeed and apply each migration once', async () => {
    const schema = freshSchemaName('cli');
    const args = ['--url', target.url!, '--schema', schema];
    const before = await stores.pool.query('SELECT 1');
    expect(before.rows.length).toBe(1);
    try {
      const [a, b] = await Promise.all([runCli(args), runCli(args)]);
      expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
      const outputs = [a.stdout, b.stdout].sort();
      expect(outputs[0]).toMatch(`at version ${LATEST} (applied ${ALL.join(', ')})`);
      expect(outputs[1]).toMatch(`at version ${LATEST} (nothing to apply)`);
      const { rows } = await stores.pool.query(
        `SELECT count(*)::int AS n FROM "${schema}".chronicle_migrations`,
      );
      expect(rows[0]!.n).toBe(LATEST);
    } finally {
      await stores.drop(schema);
    }
  });

  it('refuses a schema migrated by a newer release instead of misreading it', async () => {
    const store = stores.create({ autoMigrate: false });
    await store.migrate();
    await stores.pool.query(
      `INSERT INTO "${store.schema}".chronicle_migrations (version, name) VALUES (99, 'future')`,
    );
    const error = await store.migrate().catch((e: unknown) => e);
    expect(isStoreUnavailableError(error) && !error.retriable).toBe(true);
    expect((error as Error).message).toMatch(/version 99, migrated by a newer/);
  });

  it('the CLI explains bad usage and a bad schema name', async () => {
    const noUrl = await runCli([]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/usage: chronicle-pg-migrate/);
    const badSchema = await runCli(['--url', target.url!, '--schema', 'bad"name']);
    expect(badSchema.code).toBe(1);
    expect(badSchema.stderr).toMatch(/schema must be letters/);
  });

  it('the events table rejects UPDATE, DELETE and TRUNCATE through any connection', async () => {
    const store = stores.create();
    await store.append({ aggregateType: 'A', aggregateId: '1' }, 'no_stream', [
      { eventType: 'E', eventData: 1 },
    ]);
    const s = `"${store.schema}"`;
    for (const statement of [
      `UPDATE ${s}.events SET event_data = '2'`,
      `DELETE FROM ${s}.events`,
      `TRUNCATE ${s}.events`,
      `DELETE FROM ${s}.events WHERE false`,
    ]) {
      await expect(stores.pool.query(statement)).rejects.toThrow(
        /events is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/,
      );
    }
    expect((await store.getEvents('A', '1')).map((e) => e.eventData)).toEqual([1]);
  });

  it('records the registry in event_types on migrate, and on open when migrations run elsewhere', async () => {
    const store = stores.create({ registry: registry('first') });
    await store.migrate();
    const read = async () =>
      (
        await stores.pool.query(
          `SELECT event_type, schema_version, aggregate_type, json_schema, description FROM "${store.schema}".event_types ORDER BY 1, 2`,
        )
      ).rows;
    expect(await read()).toEqual([
      {
        event_type: 'AccountOpened',
        schema_version: 2,
        aggregate_type: 'BankAccount',
        json_schema: { type: 'object' },
        description: null,
      },
      {
        event_type: 'MoneyDeposited',
        schema_version: 1,
        aggregate_type: 'BankAccount',
        json_schema: { type: 'object', properties: { amount: { type: 'number' } } },
        description: 'first',
      },
    ]);
    const reopened = stores.create({
      schema: store.schema,
      autoMigrate: false,
      registry: registry('second'),
    });
    expect(await reopened.getStreamVersion({ aggregateType: 'A', aggregateId: '1' })).toBe(0);
    expect((await read())[1]!.description).toBe('second');
  });

  it('without autoMigrate, a missing schema is a clear, non-retriable error', async () => {
    const store = stores.create({ autoMigrate: false });
    const error = await store
      .getStreamVersion({ aggregateType: 'A', aggregateId: '1' })
      .catch((e: unknown) => e);
    expect(isStoreUnavailableError(error) && !error.retriable).toBe(true);
    expect((error as Error).message).toMatch(/not migrated.*run store\.migrate\(\) or chronicle-pg-migrate/);
  });

  it('without autoMigrate, an append to a schema before version 6 says to migrate and writes nothing', async () => {
    const schema = freshSchemaName('before_v6');
    await createReleasedSchema(stores.pool, schema, 5);
    const store = stores.create({ schema, autoMigrate: false });
    const stream = { aggregateType: 'A', aggregateId: '1' };
    const error = await store
      .append(stream, 'no_stream', [{ eventType: 'E', eventData: {} }])
      .catch((e: unknown) => e);
    expect(isStoreUnavailableError(error) && !error.retriable).toBe(true);
    expect((error as Error).message).toMatch(/not migrated.*run store\.migrate\(\) or chronicle-pg-migrate/);
    expect(await store.getStreamVersion(stream)).toBe(0);
    await store.migrate();
    expect(await store.append(stream, 'no_stream', [{ eventType: 'E', eventData: {} }])).toMatchObject({
      nextExpectedVersion: 1,
    });
  });

  it('getEventsByType and filtered reads use an index (EXPLAIN)', async () => {
    const store = stores.create();
    for (let batch = 0; batch < 10; batch++) {
      await store.append(
        { aggregateType: `T${batch % 3}`, aggregateId: `${batch}` },
        'no_stream',
        Array.from({ length: 200 }, (_, i) => ({ eventType: `Type${i % 40}`, eventData: { i } })),
      );
    }
    await stores.pool.query(`ANALYZE "${store.schema}".events`);
    // The statements the store really sends, recorded on the way to the pool.
    const sent: string[] = [];
    const recording = recordingPool(stores.pool, sent);
    const reader = createPostgresEventStore({ pool: recording, schema: store.schema, autoMigrate: false });
    await reader.getEventsByType('Type7');
    await reader.getEventsByType('Type7', new Date(0));
    await reader.getEvents('T1', '4');
    await reader.getAllEvents();
    await reader.close();
    const [byType, byTypeSince, eventsAfter, readAllPage] = sent;
    const plan = async (text: string, values: unknown[]) => {
      const client = await stores.pool.connect();
      try {
        await client.query(`PREPARE probe AS ${text}`);
        const { rows } = await client.query(
          `EXPLAIN EXECUTE probe(${values.map((v) => `'${String(v)}'`).join(', ')})`,
        );
        await client.query('DEALLOCATE probe');
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        client.release();
      }
    };
    expect(await plan(byType!, ['Type7'])).toMatch(/events_event_type_position_idx/);
    expect(await plan(byTypeSince!, ['Type7', '2000-01-01T00:00:00Z'])).toMatch(
      /events_event_type_position_idx/,
    );
    expect(await plan(eventsAfter!, ['T1', '4', '0'])).toMatch(/events_stream_version_key/);
    expect(await plan(readAllPage!, ['0', '100'])).toMatch(/events_pkey/);
  });

  it('after a logical restore into a younger cluster, migrate moves the position clock ahead of every stored event', async () => {
    const store = stores.create();
    await store.append({ aggregateType: 'A', aggregateId: '1' }, 'no_stream', [
      { eventType: 'E', eventData: 1 },
    ]);
    // Simulate restored history whose positions come from an older cluster's larger transaction ids.
    const restored = (
      await stores.pool.query('SELECT ((pg_current_xact_id()::text::bigint + 1000000) << 16)::text AS p')
    ).rows[0]!.p as string;
    await stores.pool.query(
      `INSERT INTO "${store.schema}".events (position, event_id, aggregate_type, aggregate_id, version, event_type, event_data, schema_version, occurred_at)
       VALUES ($1, 'restored', 'A', 'restored', 1, 'E', '2', 1, now())`,
      [restored],
    );
    await stores.pool.query(`INSERT INTO "${store.schema}".streams VALUES ('A', 'restored', 1, $1)`, [
      restored,
    ]);
    expect((await store.migrate()).realigned).toBe(true);
    const next = await store.append({ aggregateType: 'A', aggregateId: '2' }, 'no_stream', [
      { eventType: 'E', eventData: 3 },
    ]);
    expect(next.firstPosition > BigInt(restored)).toBe(true);
    let seen: unknown[] = [];
    await waitFor(async () => {
      seen = (await store.getAllEvents()).map((e) => e.eventData);
      return seen.length === 3;
    }, 'the restored event to fall below the read horizon');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('close() ends only a pool the store created; a pool factory is called once, on first use', async () => {
    let calls = 0;
    const lazy = createPostgresEventStore({
      schema: freshSchemaName('lazy'),
      pool: () => {
        calls++;
        return stores.pool;
      },
    });
    expect(calls).toBe(0);
    await Promise.all([
      lazy.getStreamVersion({ aggregateType: 'A', aggregateId: '1' }),
      lazy.getEventsByType('E'),
    ]);
    expect(calls).toBe(1);
    await stores.drop(lazy.schema);
    await lazy.close();
    expect((await stores.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

    const applicationName = `chronicle_own_${process.pid}_${Date.now()}`;
    const own = stores.createWithOwnPool({ poolConfig: { application_name: applicationName } });
    await own.getStreamVersion({ aggregateType: 'A', aggregateId: '1' });
    const count = async () =>
      (
        await stores.pool.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        )
      ).rows[0]!.n;
    expect(await count()).toBeGreaterThan(0);
    await own.close();
    await waitFor(async () => (await count()) === 0, 'the store-created pool to disconnect');
  });

  it('migratePostgres migrates without keeping a store open', async () => {
    const schema = freshSchemaName('fn');
    try {
      expect(await migratePostgres({ pool: stores.pool, schema })).toMatchObject({
        schema,
        version: LATEST,
        applied: ALL,
      });
      expect((await stores.pool.query(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]!.n).toBe(
        0,
      );
    } finally {
      await stores.drop(schema);
    }
  });
});
