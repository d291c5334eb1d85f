/**
 * `@chronicle/postgres`: the Chronicle event store on PostgreSQL (node-postgres).
 *
 * @packageDocumentation
 */

export { type MigratePostgresOptions, migratePostgres } from './migrate-postgres';
export type {
  PostgresClient,
  PostgresPool,
  PostgresPoolConfig,
  PostgresQueryConfig,
  PostgresQueryResult,
} from './postgres-driver';
export { createPostgresEventStore } from './postgres-event-store';
export {
  DEFAULT_IN_FLIGHT_WAIT_MS,
  DEFAULT_SCHEMA,
  DEFAULT_STREAM_PAGE_SIZE,
  type PostgresConnectionOptions,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
  type PostgresStoreSettings,
} from './postgres-options';
export type { ReadReplica, ReplicaStatus } from './replica/read-replicas';
export type { MigrationReport } from './schema/migrate';
export { MAX_EVENTS_PER_APPEND } from './schema/positions';
