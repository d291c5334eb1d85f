export { LATEST_SCHEMA_VERSION, MIGRATIONS_TABLE } from './schema/migrations';
export type { SqliteSchemaProfile } from './schema/schema-profile';
export type {
  SqliteDatabase,
  SqliteRunResult,
  SqliteStatement,
} from './sqlite-driver';
export { createSqliteEventStore, type SqliteEventStore } from './sqlite-event-store';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  type SqliteConnectionOptions,
  type SqliteDatabaseOptions,
  type SqliteEventStoreOptions,
  type SqliteFileOptions,
  type SqliteSynchronous,
} from './sqlite-options';
