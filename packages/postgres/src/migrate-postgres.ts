import type { EventTypeRegistry } from '@chronicle/core';
import { createPostgresEventStore } from './postgres-event-store';
import type { PostgresConnectionOptions } from './postgres-options';
import type { MigrationReport } from './schema/migrate';

/** Options of {@link migratePostgres}. */
export type MigratePostgresOptions = PostgresConnectionOptions & {
  /** The schema to create or upgrade. Default: `'chronicle'`. */
  readonly schema?: string;
  /** Event types to record in `event_types`. */
  readonly registry?: EventTypeRegistry;
};

/**
 * Creates or upgrades a store's schema without keeping a store around: for deploy scripts and
 * tests. The CLI `chronicle-pg-migrate` calls this. Safe to run from several processes at once.
 *
 * @example
 * ```ts
 * import { migratePostgres } from '@chronicle/postgres';
 *
 * const { version, applied } = await migratePostgres({
 *   connectionString: process.env.DATABASE_URL!,
 *   schema: 'chronicle',
 * });
 * ```
 */
export async function migratePostgres(options: MigratePostgresOptions): Promise<MigrationReport> {
  const store = createPostgresEventStore({ ...options, autoMigrate: false });
  try {
    return await store.migrate();
  } finally {
    await store.close();
  }
}
