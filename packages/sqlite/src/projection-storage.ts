import {
  type AppendResult,
  type DomainEvent,
  type ExpectedVersion,
  type Lease,
  StoreUnavailableError,
  type StreamRef,
} from '@chronicle/core';
import {
  asStoredEvents,
  type CommittedDocuments,
  type DocumentScope,
  DocumentSession,
  type PreparedEvent,
  satisfiesExpectedVersion,
} from '@chronicle/core/adapter';
import { appendEvents } from './sql/append';
import { prepareCheckpointCompareAndSet } from './sql/checkpoint-store';
import { type DocumentStatements, prepareDocumentStatements } from './sql/documents';
import type { Statements, StreamHeadRow } from './sql/statements';
import type { SqliteDatabase } from './sqlite-driver';

/** The checkpoint a batch moves, by compare-and-set, in the transaction of its documents. */
export interface BatchCheckpoint {
  readonly processorId: string;
  /** Stored before the batch (`undefined`: none). */
  readonly expected: bigint | undefined;
  /** The batch's end: the checkpoint to store. */
  readonly through: bigint;
  readonly lease?: Lease;
}

/** Raw work on the connection, run synchronously inside the commit, after the documents' writes. */
export type RawSqliteWork = (database: SqliteDatabase) => void;

/** A handler run's writes: its documents and its raw work. */
export interface SqliteProjectionRun {
  readonly session: DocumentSession;
  readonly raw: RawSqliteWork[];
}

/** How many times an inline append runs its projections again when another writer got in first. */
const INLINE_ATTEMPTS = 20;

/**
 * Projections on SQLite. Handlers may be async, but better-sqlite3 runs one transaction per
 * connection and the store's connection serves every other call meanwhile, so a transaction is never
 * held open across an `await`: a handler run writes into a {@link DocumentSession} (reads see the
 * run's own writes), and the writes are applied afterwards in one synchronous `BEGIN IMMEDIATE`
 * transaction together with the checkpoint (async projections) or the events (inline projections).
 */
export interface SqliteProjectionStorage {
  readonly statements: DocumentStatements;
  /** The committed documents of a scope, for the read side and for a run's reads. */
  committed(scope: DocumentScope): CommittedDocuments;
  /** A fresh run (nothing written until committed). */
  startRun(): SqliteProjectionRun;
  /**
   * Commits a batch: the checkpoint's compare-and-set, the documents, the raw work, and `alsoWrite`
   * (e.g. a rebuild's switch) in one transaction.
   *
   * @throws CheckpointConflictError when the checkpoint moved or the lease is stale (nothing written)
   */
  commitBatch(run: SqliteProjectionRun, checkpoint: BatchCheckpoint, alsoWrite?: () => void): void;
  /**
   * Appends with inline projections: `project` runs on the events as they will be stored (their
   * positions and versions predicted under no lock); the append, the documents and the raw work then
   * commit in one transaction, provided the prediction held. When another writer appended in between,
   * the run is discarded and repeated. A repeated or refused append runs nothing.
   */
  appendProjected(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly PreparedEvent[],
    project: (events: readonly DomainEvent[], run: SqliteProjectionRun) => Promise<void>,
  ): Promise<AppendResult>;
}

export function createSqliteProjectionStorage(
  database: SqliteDatabase,
  eventStatements: Statements,
  run: <T>(operation: () => T) => T,
): SqliteProjectionStorage {
  const statements = prepareDocumentStatements(database);
  const compareAndSet = prepareCheckpointCompareAndSet(database);
  const begin = database.prepare('BEGIN IMMEDIATE');
  const commit = database.prepare('COMMIT');
  const rollback = database.prepare('ROLLBACK');
  const lastPosition = database.prepare('SELECT max(position) AS position FROM events').safeIntegers(true);

  const committed = (scope: DocumentScope): CommittedDocuments => ({
    get: async (collection, id) => run(() => statements.get(scope, collection, id)),
    findAll: async (collection, filter) =>
      run(() => statements.find(scope, collection, filter, { after: '', limit: -1 })),
    find: async (collection, filter, after, limit) =>
      run(() => statements.find(scope, collection, filter, { after, limit })),
    count: async (collection, filter) => run(() => statements.count(scope, collection, filter)),
  });
  const startRun = (): SqliteProjectionRun => ({ session: new DocumentSession(committed), raw: [] });

  /** The run's writes, inside the caller's transaction. */
  const apply = (projectionRun: SqliteProjectionRun): void => {
    const now = Date.now();
    for (const [scope, [collection, id, json]] of projectionRun.session.writes()) {
      if (json === null) statements.delete(scope, collection, id);
      else statements.put(scope, collection, id, json, now);
    }
    for (const work of projectionRun.raw) work(database);
  };

  return {
    statements,
    committed,
    startRun,

    commitBatch(projectionRun, checkpoint, alsoWrite) {
      run(() => {
        begin.run();
        try {
          const { processorId, through, expected, lease } = checkpoint;
          compareAndSet(processorId, through, lease === undefined ? { expected } : { expected, lease });
          apply(projectionRun);
          alsoWrite?.();
          commit.run();
        } catch (error) {
          if (database.inTransaction) rollback.run();
          throw error;
        }
      });
    },

    async appendProjected(stream, expectedVersion, events, project) {
      for (let attempt = 1; ; attempt++) {
        const predicted = run(() => {
          const head = eventStatements.streamHead.get(stream.aggregateType, stream.aggregateId) as
            | StreamHeadRow
            | undefined;
          const last = (lastPosition.get() as { position: bigint | null }).position ?? 0n;
          return { version: Number(head?.version ?? 0n), position: last };
        });
        // An append that will be refused or answered as a repeat writes nothing: run no projection.
        const projectionRun = startRun();
        if (satisfiesExpectedVersion(expectedVersion, predicted.version)) {
          await project(
            asStoredEvents(stream, events, {
              version: predicted.version + 1,
              position: predicted.position + 1n,
            }),
            projectionRun,
          );
        }
        let mispredicted = false;
        try {
          return run(() =>
            appendEvents(database, eventStatements, stream, expectedVersion, events, (written) => {
              mispredicted =
                written.firstPosition !== predicted.position + 1n ||
                written.nextExpectedVersion !== predicted.version + events.length ||
                !satisfiesExpectedVersion(expectedVersion, predicted.version);
              // Rolls the append back; the run is repeated on what is stored now.
              if (mispredicted) throw new Error('another writer appended first');
              apply(projectionRun);
            }),
          );
        } catch (error) {
          if (!mispredicted) throw error;
          if (attempt >= INLINE_ATTEMPTS) {
            throw new StoreUnavailableError(
              `SQLite: append to ${stream.aggregateType}/${stream.aggregateId} with inline projections: other writers appended first ${attempt} times in a row; nothing was written`,
              { retriable: true, cause: error },
            );
          }
        }
      }
    },
  };
}
