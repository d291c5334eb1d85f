import { type EventTypeDefinition, StoreUnavailableError } from '@chronicle/core';
import type { PostgresClient, PostgresPool } from '../postgres-driver';
import { checkOutClient } from '../postgres-pool';
import { MIGRATIONS } from './migrations';
import { POSITION_INDEX_BITS } from './positions';
import { applySchemaProfile, type PostgresSchemaProfile } from './schema-profile';

/** What {@link runMigrations} did. */
export interface MigrationReport {
  /** The schema migrated. */
  readonly schema: string;
  /** The schema's version afterwards (the highest applied migration). */
  readonly version: number;
  /** Versions applied by this call; empty when the schema was already current. */
  readonly applied: readonly number[];
  /** True when the position clock was moved forward (only after a logical restore). */
  readonly realigned: boolean;
}

/**
 * The table recording applied migrations, named as in every Chronicle adapter. Releases up to 0.1
 * called it `schema_migrations`; {@link ensureMigrationsTable} renames that one.
 */
export const MIGRATIONS_TABLE = 'chronicle_migrations';

// Advisory-lock namespace for migrations ('CHRN'); the second key is a hash of the schema name, so
// stores in different schemas migrate independently.
const MIGRATION_LOCK_CLASS = 0x4348524e;

/**
 * Applies every pending migration to `schema` in one transaction, holding a transaction-level
 * advisory lock so that two processes migrating at once run one after the other (the second finds
 * nothing to do). Then makes the optional indexes match `profile` when one is given, moves the position clock forward if a logical restore left it behind, and
 * records the registry's event types.
 *
 * @param schema - the schema's plain name (validated)
 * @param quoted - the same, quoted as an identifier
 */
export async function runMigrations(
  pool: PostgresPool,
  schema: string,
  quoted: string,
  definitions: readonly EventTypeDefinition[],
  profile?: PostgresSchemaProfile,
): Promise<MigrationReport> {
  const client = await checkOutClient(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
      const { rows: encoding } = await client.query<{ server_encoding: string }>('SHOW server_encoding');
      if (encoding[0]?.server_encoding !== 'UTF8') {
        throw new StoreUnavailableError(
          `PostgreSQL: schema "${schema}" cannot be migrated: the database's encoding is ` +
            `${encoding[0]?.server_encoding}, but events need UTF8 (CREATE DATABASE ... ENCODING UTF8)`,
          { retriable: false },
        );
      }
      await ensureMigrationsTable(client, quoted);
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM ${quoted}.${MIGRATIONS_TABLE}`,
      );
      const done = new Set(rows.map((row) => Number(row.version)));
      const newest = Math.max(0, ...done);
      const known = MIGRATIONS[MIGRATIONS.length - 1]!.version;
      if (newest > known) {
        throw new StoreUnavailableError(
          `PostgreSQL: schema "${schema}" is at version ${newest}, migrated by a newer @chronicle/postgres ` +
            `(this one knows up to ${known}); upgrade the package rather than risk misreading it`,
          { retriable: false },
        );
      }
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await client.query(migration.sql(quoted));
        await client.query(`INSERT INTO ${quoted}.${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        applied.push(migration.version);
      }
      if (profile !== undefined) await applySchemaProfile(client, schema, quoted, profile);
      const realigned = await realignPositionClock(client, quoted);
      await recordEventTypes(client, quoted, definitions);
      await client.query('COMMIT');
      const version = Math.max(0, ...done, ...applied);
      return { schema, version, applied, realigned };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken ?? false);
  }
}

/**
 * Makes sure `<schema>.chronicle_migrations` exists, under the migration lock (so concurrent
 * migrators see one outcome). A schema created by an earlier release keeps its history in
 * `schema_migrations`: that table is renamed, rows and `applied_at` intact. No DDL at all when the
 * table is there already: an application role without CREATE privilege can then open an up-to-date
 * store with autoMigrate on.
 */
async function ensureMigrationsTable(client: PostgresClient, quoted: string): Promise<void> {
  const { rows } = await client.query<{ current: boolean; legacy: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS current, to_regclass($2) IS NOT NULL AS legacy',
    [`${quoted}.${MIGRATIONS_TABLE}`, `${quoted}.schema_migrations`],
  );
  if (rows[0]?.current === true) return;
  if (rows[0]?.legacy === true) {
    await client.query(`ALTER TABLE ${quoted}.schema_migrations RENAME TO ${MIGRATIONS_TABLE}`);
    await client.query(
      `ALTER INDEX IF EXISTS ${quoted}.schema_migrations_pkey RENAME TO ${MIGRATIONS_TABLE}_pkey`,
    );
    return;
  }
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${quoted}.${MIGRATIONS_TABLE} (` +
      'version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
}

/**
 * Positions carry the writing transaction's id, which only grows — unless the events were copied
 * into another cluster (pg_dump/restore, logical replication), whose transaction counter may be
 * lower. Then new positions would sort below old ones; this moves the clock's offset forward so the
 * next position is above every stored one. It locks out appends only while it runs, and only when a
 * move is needed.
 */
async function realignPositionClock(client: PostgresClient, s: string): Promise<boolean> {
  const lag = `(SELECT COALESCE(max(position), 0) >> ${POSITION_INDEX_BITS} FROM ${s}.events) + 1 - (pg_current_xact_id()::text::bigint + c.xid_offset)`;
  const { rows } = await client.query<{ behind: boolean }>(
    `SELECT ${lag} > 0 AS behind FROM ${s}.position_clock c`,
  );
  if (rows[0]?.behind !== true) return false;
  await client.query(`LOCK TABLE ${s}.events IN SHARE ROW EXCLUSIVE MODE`);
  await client.query(`UPDATE ${s}.position_clock c SET xid_offset = c.xid_offset + ${lag} WHERE ${lag} > 0`);
  return true;
}

/**
 * Upserts the registry's definitions into `event_types`, in key order (so two processes doing it at
 * once cannot deadlock), touching only rows that changed.
 */
export async function recordEventTypes(
  client: Pick<PostgresClient, 'query'>,
  s: string,
  definitions: readonly EventTypeDefinition[],
): Promise<void> {
  if (definitions.length === 0) return;
  const byKey = new Map<string, EventTypeDefinition>();
  for (const d of definitions) byKey.set(`${d.eventType}\u0000${d.schemaVersion}`, d);
  const sorted = [...byKey.values()].sort((x, y) =>
    x.eventType < y.eventType ? -1 : x.eventType > y.eventType ? 1 : x.schemaVersion - y.schemaVersion,
  );
  await client.query(
    `INSERT INTO ${s}.event_types AS et (event_type, schema_version, aggregate_type, json_schema, description) ` +
      'SELECT t.event_type, t.schema_version, t.aggregate_type, t.json_schema::jsonb, t.description ' +
      'FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) ' +
      'AS t(event_type, schema_version, aggregate_type, json_schema, description) ' +
      'ON CONFLICT (event_type, schema_version) DO UPDATE SET aggregate_type = EXCLUDED.aggregate_type, ' +
      'json_schema = EXCLUDED.json_schema, description = EXCLUDED.description, updated_at = now() ' +
      'WHERE (et.aggregate_type, et.json_schema, et.description) IS DISTINCT FROM ' +
      '(EXCLUDED.aggregate_type, EXCLUDED.json_schema, EXCLUDED.description)',
    [
      sorted.map((d) => d.eventType),
      sorted.map((d) => d.schemaVersion),
      sorted.map((d) => d.aggregateType),
      sorted.map((d) => JSON.stringify(d.schema)),
      sorted.map((d) => d.description ?? null),
    ],
  );
}
