/**
 * The migrations table is `chronicle_migrations`, as in every Chronicle adapter. Releases up to 0.1
 * named it `schema_migrations`: a schema they created (here built exactly as they left it, at
 * version 2, with events in it) must migrate cleanly, keep its history and its events — also when
 * several processes open it at once.
 */
import { expect, it } from 'vitest';
import { migratePostgres } from '../src/index';
import { MIGRATIONS } from '../src/schema/migrations';

/** The schema version this release migrates to; what comes after the release that had schema_migrations (2). */
const LATEST = MIGRATIONS.length;
const AFTER_RELEASE = MIGRATIONS.map((m) => m.version).filter((v) => v > 2);

import { createReleasedSchema, describePostgres, freshSchemaName, useStores } from './support/postgres';

describePostgres('postgres store: the migrations table carried over from schema_migrations', () => {
  const stores = useStores('migtable');

  /** A schema exactly as the 0.1 release's `runMigrations` left it: both migrations, under the old name. */
  async function releasedSchemaWithEvents(): Promise<string> {
    const schema = freshSchemaName('migtable_v2');
    const quoted = `"${schema}"`;
    await createReleasedSchema(stores.pool, schema, 2);
    // Events written by that release: through its append function, which the rename leaves alone.
    await stores.pool.query(
      `SELECT * FROM ${quoted}.append_events('A', '1', 0, ARRAY['e1','e2'], ARRAY['E','E'], ` +
        `ARRAY['1','2'], ARRAY[1,1], ARRAY[now(), now()], ARRAY[NULL,NULL]::text[], ` +
        'ARRAY[NULL,NULL]::text[], ARRAY[NULL,NULL]::text[], ARRAY[NULL,NULL]::text[])',
    );
    return schema;
  }

  const history = async (schema: string) =>
    (
      await stores.pool.query(
        `SELECT version, name, applied_at::text AS applied_at FROM "${schema}".chronicle_migrations ORDER BY version`,
      )
    ).rows;

  it('renames schema_migrations, keeping every row, and applies only the migrations after that release', async () => {
    const schema = await releasedSchemaWithEvents();
    const store = stores.create({ schema, autoMigrate: false });
    const report = await store.migrate();
    expect(report).toMatchObject({ schema, version: LATEST, applied: AFTER_RELEASE });
    expect(await history(schema)).toEqual([
      { version: 1, name: MIGRATIONS[0]!.name, applied_at: '2026-01-01 00:00:00+00' },
      { version: 2, name: MIGRATIONS[1]!.name, applied_at: '2026-01-02 00:00:00+00' },
      ...AFTER_RELEASE.map((version) => ({
        version,
        name: MIGRATIONS[version - 1]!.name,
        applied_at: expect.any(String),
      })),
    ]);
    const { rows } = await stores.pool.query(
      `SELECT to_regclass($1) IS NULL AS gone, to_regclass($2) IS NOT NULL AS indexed`,
      [`"${schema}".schema_migrations`, `"${schema}".chronicle_migrations_pkey`],
    );
    expect(rows[0]).toEqual({ gone: true, indexed: true });
    // The store works on the carried-over schema: old events read, new ones appended after them.
    const appended = await store.append({ aggregateType: 'A', aggregateId: '1' }, 2, [
      { eventType: 'E', eventData: 3 },
    ]);
    expect(appended.nextExpectedVersion).toBe(3);
    expect((await store.getEvents('A', '1')).map((e) => e.eventData)).toEqual([1, 2, 3]);
    // Migrating again is a no-op.
    expect(await migratePostgres({ pool: stores.pool, schema })).toMatchObject({
      version: LATEST,
      applied: [],
    });
  });

  it('carries it over once when several migrators open the schema at once', async () => {
    const schema = await releasedSchemaWithEvents();
    const reports = await Promise.all(
      Array.from({ length: 4 }, () => migratePostgres({ pool: stores.pool, schema })),
    );
    expect(reports.map((report) => report.applied).sort()).toEqual([[], [], [], AFTER_RELEASE]);
    for (const report of reports) expect(report.version).toBe(LATEST);
    expect((await history(schema)).map((row) => row.version)).toEqual([1, 2, ...AFTER_RELEASE]);
    const store = stores.create({ schema });
    expect(await store.getStreamVersion({ aggregateType: 'A', aggregateId: '1' })).toBe(2);
  });
});
