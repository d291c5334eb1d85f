import { createPostgresEventStore, type PostgresEventStoreOptions } from '@chronicle/postgres';
import pg from 'pg';
import type { SubjectFactory, TargetName } from '../subject';
import { chronicleSubject } from './chronicle-subject';
import { openFloorPostgres } from './postgres-floor';
import { openRawPostgres } from './postgres-raw';

/** Connections per pool, for adapters and raw baselines alike: one per W3/W4 writer. */
export const POOL_SIZE = 8;

/** The bytes of every table in `schema` with its indexes and TOAST (`pg_total_relation_size`). */
async function schemaBytes(url: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    return Number(rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}

/** Hands out fresh schema names and drops them at the end. */
function schemaAllocator(url: string, prefix: string) {
  const schemas: string[] = [];
  return {
    next(): string {
      const name = `bench_${prefix}_${process.pid}_${schemas.length + 1}`;
      schemas.push(name);
      return name;
    },
    async dispose(): Promise<void> {
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas.splice(0))
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** `@chronicle/postgres` with its defaults in its own schema, on a pool of {@link POOL_SIZE}. */
export function postgresAdapterFactory(url: string): SubjectFactory {
  return chronicleFactory(url, 'postgres', 'pg', {});
}

/** The same adapter with `schemaProfile: 'lean'`: what write-heavy users can opt into. */
export function postgresLeanFactory(url: string): SubjectFactory {
  return chronicleFactory(url, 'postgres-lean', 'pgl', { schemaProfile: 'lean' });
}

/**
 * The same adapter configured as behind a transaction-mode pooler (PgBouncer): unnamed statements
 * (`prepareStatements: false`), parsed on every call. Measured against `postgres` in the same run,
 * it is the cost of that setting; it runs on the server directly, so the pooler's own hop is not in it.
 */
export function postgresUnnamedFactory(url: string): SubjectFactory {
  return chronicleFactory(url, 'postgres-unnamed', 'pgu', { prepareStatements: false });
}

function chronicleFactory(
  url: string,
  name: TargetName,
  prefix: string,
  settings: Pick<PostgresEventStoreOptions, 'prepareStatements' | 'schemaProfile'>,
): SubjectFactory {
  const schemas = schemaAllocator(url, prefix);
  const open = async (schema: string) => {
    const store = createPostgresEventStore({
      connectionString: url,
      schema,
      poolConfig: { max: POOL_SIZE },
      ...settings,
    });
    await store.migrate();
    return chronicleSubject(store, schema);
  };
  return {
    name,
    driver: 'postgres',
    kind: 'adapter',
    open: () => open(schemas.next()),
    reopen: open,
    storageBytes: (schema) => schemaBytes(url, schema),
    dispose: () => schemas.dispose(),
  };
}

type OpenBaseline = typeof openRawPostgres;

function baselineFactory(
  url: string,
  name: TargetName,
  prefix: string,
  openAt: OpenBaseline,
): SubjectFactory {
  const schemas = schemaAllocator(url, prefix);
  return {
    name,
    driver: 'postgres',
    kind: name.endsWith('-floor') ? 'floor' : 'raw',
    open: () => openAt(url, schemas.next(), POOL_SIZE, true),
    reopen: (schema) => openAt(url, schema, POOL_SIZE, false),
    storageBytes: (schema) => schemaBytes(url, schema),
    dispose: () => schemas.dispose(),
  };
}

/** Hand-written node-postgres with the same guarantees (see `postgres-raw.ts`). */
export function postgresRawFactory(url: string): SubjectFactory {
  return baselineFactory(url, 'postgres-raw', 'raw', openRawPostgres);
}

/** The floor on node-postgres (see `postgres-floor.ts`). */
export function postgresFloorFactory(url: string): SubjectFactory {
  return baselineFactory(url, 'postgres-floor', 'floor', openFloorPostgres);
}
