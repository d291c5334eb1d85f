import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import { createPostgresEventStore } from '../../src/index';
import type { PostgresPoolConfig } from '../../src/postgres-driver';
import type { PostgresEventStore, PostgresStoreSettings } from '../../src/postgres-options';
import { MIGRATIONS } from '../../src/schema/migrations';
import type { PostgresTarget } from './global-setup';

/** The server's URL for this run, or null (see `global-setup.ts`). */
export const target = inject('chroniclePostgres');

/** How a test reaches the server: directly, or through PgBouncer in transaction mode. */
export interface Via {
  /** Shown in test names: `'direct'` or `'PgBouncer'`. */
  readonly name: string;
  readonly target: PostgresTarget;
  /** Store settings this path needs. */
  readonly settings: PostgresStoreSettings;
}

/** Straight to the server. */
export const direct: Via = { name: 'direct', target, settings: {} };

/**
 * Through PgBouncer in transaction mode (see `pgbouncer-setup.ts`), with unnamed statements as
 * `docs/postgres.md` says to configure a store behind such a pooler.
 */
export const throughPgBouncer: Via = {
  name: 'PgBouncer',
  target: inject('chroniclePgBouncer'),
  settings: { prepareStatements: false },
};

/** Both paths: the fault tests run once directly and once more through PgBouncer. */
export const everyPath: readonly Via[] = [direct, throughPgBouncer];

/**
 * `describe` when a server is available, otherwise a skipped `describe` whose name carries the
 * reason, so a skip is never silent. With `via` other than {@link direct}, the name says the path.
 */
export const describePostgres = (name: string, body: () => void, via: Via = direct): void => {
  const title = via === direct ? name : `${name} (through ${via.name})`;
  if (via.target.url === null) describe.skip(`${title} — skipped: ${via.target.reason}`, body);
  else describe(title, body);
};

/** A fresh schema name: letters and digits only, unique per call, so test files run in parallel. */
export function freshSchemaName(prefix: string): string {
  return `t_${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * A raw connection pool that bypasses the adapter: for backdoor reads, hostile writes and fault
 * injection. Ended after the file.
 */
export function useRawPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: target.url ?? undefined, max: 4 });
  pool.on('error', () => {});
  afterAll(async () => {
    await pool.end();
  });
  return pool;
}

/**
 * Stores for one test file: each `create()` gets its own fresh schema unless one is given; every
 * store is closed and every schema dropped after the file.
 */
export function useStores(prefix: string, via: Via = direct) {
  const stores: PostgresEventStore[] = [];
  const schemas = new Set<string>();
  const pool = new pg.Pool({ connectionString: via.target.url ?? undefined, max: 10 });
  pool.on('error', () => {});
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  return {
    pool,
    /** The server's (or PgBouncer's) URL these stores use. */
    url: via.target.url!,
    create(options: PostgresStoreSettings = {}) {
      const schema = options.schema ?? freshSchemaName(prefix);
      schemas.add(schema);
      const store = createPostgresEventStore({ ...via.settings, ...options, schema, pool });
      stores.push(store);
      return store;
    },
    /** A store with its own pool made from the URL (for pool and connection faults). */
    createWithOwnPool(options: PostgresStoreSettings & { poolConfig?: PostgresPoolConfig }) {
      const schema = options.schema ?? freshSchemaName(prefix);
      schemas.add(schema);
      const store = createPostgresEventStore({
        ...via.settings,
        ...options,
        schema,
        connectionString: via.target.url!,
      });
      stores.push(store);
      return store;
    },
    /** Drops a schema now (and forgets it). */
    async drop(schema: string) {
      schemas.delete(schema);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** Something that runs a query: a pool or a checked-out client. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** The two `append_events` of a schema: the batch as one `jsonb` array (version 6), or as ten arrays (versions 1–5). */
export type AppendFunction = 'jsonb' | 'arrays';

/**
 * Appends through the store's SQL function on a raw connection, so a test can hold the transaction
 * open (commit late, roll back, be killed). Returns the positions drawn. `fn` picks the function:
 * the store's (`'jsonb'`), or the one a schema before version 6 has (and a process of an older
 * release still calls).
 */
export async function rawAppend(
  client: Queryable,
  schema: string,
  stream: { aggregateType: string; aggregateId: string },
  expected: number | 'any',
  eventIds: string[],
  eventTypes: readonly string[] = eventIds.map(() => 'RawAppended'),
  fn: AppendFunction = 'jsonb',
): Promise<{ ok: boolean; firstPosition: bigint | null }> {
  const head = [stream.aggregateType, stream.aggregateId, expected === 'any' ? -1 : expected];
  const now = new Date().toISOString();
  const nulls = eventIds.map(() => null);
  const { rows } =
    fn === 'jsonb'
      ? await client.query(
          `SELECT ok, first_position::text FROM "${schema}".append_events($1, $2, $3, $4::timestamptz, $5::jsonb)`,
          [
            ...head,
            now,
            JSON.stringify(eventIds.map((id, i) => ({ i: id, t: eventTypes[i], d: { id }, v: 1 }))),
          ],
        )
      : await client.query(
          `SELECT ok, first_position::text FROM "${schema}".append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            ...head,
            eventIds,
            eventTypes,
            eventIds.map((id) => JSON.stringify({ id })),
            eventIds.map(() => 1),
            eventIds.map(() => now),
            nulls,
            nulls,
            nulls,
            nulls,
          ],
        );
  const row = rows[0]!;
  return {
    ok: row.ok === true,
    firstPosition: row.first_position == null ? null : BigInt(row.first_position as string),
  };
}

/**
 * The conformance suite's `appendInOpenTransaction` on `pool`: `BEGIN`, the store's append function
 * on a connection of its own, and the transaction left open until `commit()` or `rollback()`.
 */
export function appendInOpenTransaction(pool: pg.Pool) {
  return async (
    store: { schema: string } | object,
    stream: { aggregateType: string; aggregateId: string },
    events: readonly { eventType: string; eventId?: string }[],
  ) => {
    const client = await pool.connect();
    let settled = false;
    const settle = async (verb: 'COMMIT' | 'ROLLBACK') => {
      if (settled) return;
      settled = true;
      try {
        await client.query(verb);
      } finally {
        client.release();
      }
    };
    try {
      await client.query('BEGIN');
      const ids = events.map((e) => e.eventId ?? randomBytes(8).toString('hex'));
      await rawAppend(
        client,
        (store as { schema: string }).schema,
        stream,
        'any',
        ids,
        events.map((e) => e.eventType),
      );
    } catch (error) {
      await settle('ROLLBACK');
      throw error;
    }
    return { commit: () => settle('COMMIT'), rollback: () => settle('ROLLBACK') };
  };
}

/** Waits until `predicate` holds, polling; throws after `timeoutMs`. */
export async function waitFor(
  predicate: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pids of backends blocked (waiting on a lock) behind backend `blockerPid`. */
export async function backendsBlockedBy(pool: Queryable, blockerPid: number): Promise<number[]> {
  const { rows } = await pool.query(
    'SELECT pid FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))',
    [blockerPid],
  );
  return rows.map((row) => Number(row.pid));
}

/**
 * Builds `schema` exactly as release 0.1's `runMigrations` left it after applying its first
 * `version` migrations: the history in `schema_migrations` (the table's old name), dated
 * `2026-01-0<version>`. For tests that migrate a database created by earlier code.
 */
export async function createReleasedSchema(pool: Queryable, schema: string, version: number): Promise<void> {
  const quoted = `"${schema}"`;
  await pool.query(`CREATE SCHEMA ${quoted}`);
  await pool.query(
    `CREATE TABLE ${quoted}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, ` +
      'applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const migration of MIGRATIONS.slice(0, version)) {
    await pool.query(migration.sql(quoted));
    await pool.query(
      `INSERT INTO ${quoted}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
      [migration.version, migration.name, `2026-01-0${migration.version}T00:00:00Z`],
    );
  }
}
