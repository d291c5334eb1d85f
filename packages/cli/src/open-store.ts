import type {
  EventStore,
  ProjectableEventStore,
  SubscribableEventStore,
  Upcaster,
  UpcasterPipeline,
} from '@chronicle/core';
import { createPostgresEventStore } from '@chronicle/postgres';
import { createSqliteEventStore, LATEST_SCHEMA_VERSION } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import type { Inspection } from './inspect/inspection';
import { NotMigratedError, NotSupportedError } from './inspect/open-errors';
import { openPostgresInspection } from './inspect/postgres';
import { openSqliteInspection } from './inspect/sqlite';
import type { StoreTarget } from './target';

/** Opens the store for reading (read-only; never creates anything). */
export async function openInspection(target: StoreTarget): Promise<Inspection> {
  return target.adapter === 'sqlite'
    ? openSqliteInspection(target.filename)
    : openPostgresInspection(target.url, target.schema);
}

/** Runs `work` with an open inspection and closes it whatever happens. */
export async function withInspection<T>(
  target: StoreTarget,
  work: (inspection: Inspection) => Promise<T>,
): Promise<T> {
  const inspection = await openInspection(target);
  try {
    return await work(inspection);
  } finally {
    await inspection.close();
  }
}

/** How a command uses the store: `read` never writes (read-only connections); `write` may. */
export type StoreAccess = 'read' | 'write';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  readonly access: StoreAccess;
  /** The application's upcasters, so events read through the store come out as the application sees them. */
  readonly upcasters?: readonly Upcaster[] | UpcasterPipeline | undefined;
}

/** A Chronicle store opened by the command, and how to close everything it opened. */
export interface OpenedStore {
  readonly store: EventStore;
  close(): Promise<void>;
}

/**
 * Opens the adapter's own store (for what the contract offers: subscriptions, checkpoints, upcast
 * reads) on a store that must already exist and be migrated to this release's schema: the checks of
 * {@link openInspection} run first, and the store itself never migrates.
 */
export async function openStore(target: StoreTarget, options: OpenStoreOptions): Promise<OpenedStore> {
  const inspection = await openInspection(target);
  const { schemaVersion } = await inspection.status().finally(() => inspection.close());
  const upcasters = options.upcasters === undefined ? {} : { upcasters: options.upcasters };
  if (target.adapter === 'sqlite') {
    if (schemaVersion < LATEST_SCHEMA_VERSION) {
      throw new NotMigratedError(
        `${target.filename} is at schema version ${schemaVersion}, this release needs ${LATEST_SCHEMA_VERSION}: run \`chronicle migrate --db ${target.filename}\``,
      );
    }
    // A read-only connection: opening the store finds the schema current and writes nothing.
    const database = new Database(target.filename, {
      readonly: options.access === 'read',
      fileMustExist: true,
    });
    try {
      const store = createSqliteEventStore({ database, ...upcasters });
      return {
        store,
        async close() {
          await store.close();
          database.close();
        },
      };
    } catch (error) {
      database.close();
      throw error;
    }
  }
  const store = createPostgresEventStore({
    connectionString: target.url,
    schema: target.schema,
    readReplicas: target.readReplicas,
    autoMigrate: false,
    ...upcasters,
    poolConfig: {
      max: 2,
      application_name: 'chronicle-cli',
      ...(options.access === 'read' && { options: '-c default_transaction_read_only=on' }),
    },
  });
  return { store, close: () => store.close() };
}

/** Runs `work` with an opened store and closes it whatever happens. */
export async function withStore<T>(
  target: StoreTarget,
  options: OpenStoreOptions,
  work: (store: EventStore) => Promise<T>,
): Promise<T> {
  const opened = await openStore(target, options);
  try {
    return await work(opened.store);
  } finally {
    await opened.close();
  }
}

/** Whether the store offers subscriptions and checkpoints (PostgreSQL's arrive in a later release). */
export function isSubscribable(store: EventStore): store is SubscribableEventStore {
  const candidate = store as Partial<SubscribableEventStore>;
  return typeof candidate.subscribe === 'function' && typeof candidate.checkpoints === 'object';
}

/**
 * The store as a {@link SubscribableEventStore}.
 *
 * @throws NotSupportedError naming the command when the adapter has no subscriptions yet
 */
export function requireSubscribable(store: EventStore, what: string): SubscribableEventStore {
  if (!isSubscribable(store)) {
    throw new NotSupportedError(
      `${what} needs subscriptions and checkpoints, which this release of the store's adapter does not offer yet`,
    );
  }
  return store;
}

/**
 * The store as a {@link ProjectableEventStore} (the capability `projections`).
 *
 * @throws NotSupportedError naming the command and what to do when the adapter has no projections
 */
export function requireProjectable(store: EventStore, what: string): ProjectableEventStore {
  const candidate = store as Partial<ProjectableEventStore>;
  if (!isSubscribable(store) || typeof candidate.projections?.transaction !== 'function') {
    throw new NotSupportedError(
      `${what} needs a store with projections, which this release of the store's adapter does not offer: upgrade @chronicle/sqlite or @chronicle/postgres to a release with projections, then run \`chronicle migrate\``,
    );
  }
  return store as ProjectableEventStore;
}
