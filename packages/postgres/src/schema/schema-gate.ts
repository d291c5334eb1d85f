import type { EventStoreError, EventTypeDefinition } from '@chronicle/core';
import type { PostgresPool } from '../postgres-driver';
import type { PoolSource } from '../postgres-pool';
import { type MigrationReport, recordEventTypes, runMigrations } from './migrate';
import type { PostgresSchemaProfile } from './schema-profile';

/** What {@link createSchemaGate} needs from the store. */
export interface SchemaGateOptions {
  readonly poolSource: PoolSource;
  /** The schema's plain name, and the same quoted as an identifier. */
  readonly schema: string;
  readonly quoted: string;
  /** Migrate before the first statement (else only record the registry's event types). */
  readonly autoMigrate: boolean;
  readonly definitions: () => readonly EventTypeDefinition[];
  /** The profile each migration makes the schema match; none: the schema keeps its indexes. */
  readonly schemaProfile: PostgresSchemaProfile | undefined;
  /** Throws when the store is closed. */
  readonly assertOpen: () => void;
  /** The store's error rule. */
  readonly toStoreError: (error: unknown, action: string) => EventStoreError;
}

/** The door every statement passes: the pool, once the schema is ready. */
export interface SchemaGate {
  /** The pool, once the schema is migrated (or the registry recorded): done once, retried on failure. */
  pool(): Promise<PostgresPool>;
  /** Migrates now (`store.migrate()`); the first statement then need not check again. */
  migrateNow(): Promise<MigrationReport>;
}

/** Opens the store's schema lazily, once, for every statement that follows. */
export function createSchemaGate(options: SchemaGateOptions): SchemaGate {
  const { poolSource, schema, quoted, definitions, assertOpen, toStoreError } = options;
  let ready: Promise<PostgresPool> | undefined;

  const migrate = async (): Promise<MigrationReport> => {
    try {
      return await runMigrations(
        await poolSource.get(),
        schema,
        quoted,
        definitions(),
        options.schemaProfile,
      );
    } catch (error) {
      throw toStoreError(error, 'migrate');
    }
  };

  const open = async (): Promise<PostgresPool> => {
    if (options.autoMigrate) await migrate();
    const pool = await poolSource.get();
    if (!options.autoMigrate && definitions().length > 0) {
      try {
        await recordEventTypes(pool, quoted, definitions());
      } catch (error) {
        throw toStoreError(error, 'record event types');
      }
    }
    return pool;
  };

  return {
    pool() {
      assertOpen();
      ready ??= open().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      return ready;
    },
    async migrateNow() {
      assertOpen();
      const report = await migrate();
      ready ??= poolSource.get();
      return report;
    },
  };
}
