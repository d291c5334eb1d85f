import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, EventStoreOptions } from '@chronicle/core';
import { createSqliteEventStore } from '@chronicle/sqlite';

/**
 * Where a test file's stores live, as plain JSON so a child process can open the same store:
 * a SQLite file (the default, no server needed) or a PostgreSQL schema (when CHRONICLE_PG_URL is set).
 */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };

/** One test file's store: open it as often as needed (each call is a new connection), then clean up. */
export interface TestStores {
  /** Which track runs: `'sqlite'` or `'postgres'`. */
  readonly kind: StoreLocation['kind'];
  /** Where the data lives, for child processes (see {@link openStoreAt}). */
  readonly location: StoreLocation;
  /** A new store (a new connection) on this file's database, with the given options (e.g. upcasters). */
  open(options?: EventStoreOptions): Promise<EventStore>;
  /** Closes every store opened here and removes the data (the SQLite directory or the PG schema). */
  cleanup(): Promise<void>;
}

interface PostgresModule {
  createPostgresEventStore(
    options: { readonly connectionString: string; readonly schema: string } & EventStoreOptions,
  ): EventStore;
}

// A variable specifier keeps the default track free of @chronicle/postgres (and of its types):
// it is loaded only when CHRONICLE_PG_URL asks for the PostgreSQL track.
const POSTGRES_MODULE = '@chronicle/postgres';

/** The PostgreSQL URL of the PG track, or `undefined` for the default SQLite track. */
export function postgresUrl(): string | undefined {
  const url = process.env.CHRONICLE_PG_URL;
  return url === undefined || url === '' ? undefined : url;
}

/** Opens a store at a location (used by the tests and by their child processes). */
export async function openStoreAt(
  location: StoreLocation,
  options: EventStoreOptions = {},
): Promise<EventStore> {
  if (location.kind === 'sqlite') return createSqliteEventStore({ filename: location.filename, ...options });
  const postgres = (await import(/* @vite-ignore */ POSTGRES_MODULE)) as PostgresModule;
  return postgres.createPostgresEventStore({
    connectionString: location.url,
    schema: location.schema,
    ...options,
  });
}

/**
 * The store of one test file: a fresh SQLite file in the OS temp dir, or — with CHRONICLE_PG_URL —
 * a fresh PostgreSQL schema of its own, dropped again by `cleanup()`.
 *
 * @param label - names the file or schema, e.g. the step id
 */
export function createTestStores(label: string): TestStores {
  const url = postgresUrl();
  const suffix = randomBytes(4).toString('hex');
  let location: StoreLocation;
  let removeData: () => Promise<void>;
  if (url === undefined) {
    const dir = mkdtempSync(join(tmpdir(), `chronicle-exercise-${label}-`));
    location = { kind: 'sqlite', filename: join(dir, 'events.sqlite') };
    removeData = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `exercise_${label.replace(/[^a-z0-9]/gi, '_')}_${suffix}`.toLowerCase();
    location = { kind: 'postgres', url, schema };
    removeData = () => dropSchema(url, schema);
  }
  const opened: EventStore[] = [];
  return {
    kind: location.kind,
    location,
    async open(options) {
      const store = await openStoreAt(location, options);
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
      await removeData();
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
