import type { AppendResult, DomainEvent, EventStoreError, ExpectedVersion, StreamRef } from '@chronicle/core';
import {
  asStoredEvents,
  type DocumentReads,
  encodeFilter,
  type PreparedEvent,
  type ProjectionStorage,
  type ProjectionTransaction,
} from '@chronicle/core/adapter';
import type { ConnectionGate } from './projection-gate';
import { appendEventsProjected } from './sql/append';
import { prepareCheckpointCompareAndSet } from './sql/checkpoint-store';
import { prepareDocumentStatements } from './sql/documents';
import { prepareVersionStatements } from './sql/documents-versions';
import type { Statements } from './sql/statements';
import type { SqliteDatabase } from './sqlite-driver';

/**
 * Projections' storage on SQLite: documents (`projection_documents`), versions
 * (`projection_versions`) and checkpoints in the store's file. A transaction is one `BEGIN IMMEDIATE`
 * held across its handlers' `await`s: it holds the store's {@link ConnectionGate} meanwhile, so no
 * other call of the store runs inside it, and the write lock keeps other processes out.
 */
export interface SqliteProjectionStorage extends ProjectionStorage {
  /**
   * Appends with inline projections: the events are written, `apply` runs on them as stored, and
   * both commit in one transaction (or neither). A repeated or refused append applies nothing.
   */
  appendProjected(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly PreparedEvent[],
    apply: (tx: ProjectionTransaction, events: readonly DomainEvent[]) => Promise<void>,
  ): Promise<AppendResult>;
}

/** What the storage needs from the store. */
export interface SqliteProjectionStorageOptions {
  readonly database: SqliteDatabase;
  readonly statements: Statements;
  /** The store's guard for storage calls: refuses after `close()`, types driver errors. */
  readonly run: <T>(operation: () => T) => T;
  /** The store's error rule, for what an inline append's transaction rejects with. */
  readonly toStoreError: (error: unknown) => EventStoreError;
  readonly gate: ConnectionGate;
}

export function createSqliteProjectionStorage(
  options: SqliteProjectionStorageOptions,
): SqliteProjectionStorage {
  const { database, statements: eventStatements, run, toStoreError, gate } = options;
  const documents = prepareDocumentStatements(database);
  const versions = prepareVersionStatements(database);
  const compareAndSet = prepareCheckpointCompareAndSet(database);
  const begin = database.prepare('BEGIN IMMEDIATE');
  const commit = database.prepare('COMMIT');
  const rollback = database.prepare('ROLLBACK');

  const reads: DocumentReads = {
    get: async (at, id) => run(() => documents.get(at, at.collection, id)),
    find: async (at, filter, { limit, index }) =>
      run(() =>
        documents
          .find(at, at.collection, encodeFilter(filter), { after: '', limit: limit ?? -1 }, index)
          .map((row) => row.data),
      ),
    count: async (at, filter) => run(() => documents.count(at, at.collection, encodeFilter(filter))),
  };
  const tx: ProjectionTransaction = {
    documents: {
      ...reads,
      put: async (at, id, json) => run(() => documents.put(at, at.collection, id, json, Date.now())),
      delete: async (at, id) => run(() => documents.delete(at, at.collection, id)),
      ensureIndex: async (_, field) => run(() => documents.ensureIndex(field)),
      drop: async (projection, version) => {
        run(() => documents.dropVersion({ projection, version }));
      },
    },
    saveCheckpoint: async (processorId, position, options) =>
      run(() => compareAndSet(processorId, position, options)),
    versions: async (name) => run(() => versions.list(name)),
    setVersionStatus: async (name, version, status) =>
      run(() => versions.setStatus(name, version, status, Date.now())),
    raw: database,
  };
  /** Reads outside any transaction wait for an open one to end: they must not see its writes. */
  const committed =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> =>
      gate.run(() => read(...args));

  return {
    transaction: (work) =>
      // `exclusive` needs nothing more: the gate and the write lock already keep every append out.
      gate.hold('documents', async () => {
        run(() => begin.run());
        try {
          const result = await work(tx);
          run(() => commit.run());
          return result;
        } catch (error) {
          if (database.inTransaction) rollback.run();
          throw error;
        }
      }),
    documents: { get: committed(reads.get), find: committed(reads.find), count: committed(reads.count) },
    versions: committed(tx.versions),
    appendProjected: (stream, expectedVersion, events, apply) =>
      gate.hold('events', async () => {
        try {
          return await appendEventsProjected(
            database,
            eventStatements,
            stream,
            expectedVersion,
            events,
            (written) =>
              apply(
                tx,
                asStoredEvents(stream, events, {
                  version: written.nextExpectedVersion - events.length + 1,
                  position: written.firstPosition,
                }),
              ),
          );
        } catch (error) {
          throw toStoreError(error);
        }
      }),
  };
}
