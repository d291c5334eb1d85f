/**
 * `@chronicle/postgres`: the Chronicle event store on PostgreSQL (node-postgres).
 *
 * @packageDocumentation
 */

export { type MigratePostgresOptions, migratePostgres } from './migrate-postgres';
export type {
  PostgresClient,
  PostgresListenConnection,
  PostgresPool,
  PostgresPoolConfig,
  PostgresQueryConfig,
  PostgresQueryResult,
} from './postgres-driver';
export { createPostgresEventStore } from './postgres-event-store';
export { LISTEN_RETRY_BASE_DELAY_MS, LISTEN_RETRY_MAX_DELAY_MS } from './postgres-notifications';
export {
  DEFAULT_IN_FLIGHT_WAIT_MS,
  DEFAULT_POLL_INTERVAL_MS,
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
export { notificationChannel } from './schema/schema-name';
export type { PostgresSchemaProfile } from './schema/schema-profile';
