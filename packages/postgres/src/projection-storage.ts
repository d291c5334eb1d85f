import type { AppendResult, DomainEvent, ExpectedVersion, Lease, StreamRef } from '@chronicle/core';
import {
  asStoredEvents,
  type CommittedDocuments,
  type DocumentScope,
  DocumentSession,
  type PreparedEvent,
} from '@chronicle/core/adapter';
import type { PostgresClient, PostgresPool } from './postgres-driver';
import { isUniqueViolation } from './postgres-errors';
import { inProjectionTransaction } from './projection-transaction';
import { createAppender } from './sql/append';
import { createCheckpointCompareAndSet } from './sql/checkpoint-store';
import { createDocumentStatements, type DocumentStatements } from './sql/documents';
import type { QueryRunner } from './sql/query-runner';

/** The checkpoint a batch moves, by compare-and-set, in the transaction of its documents. */
export interface BatchCheckpoint {
  readonly processorId: string;
  /** Stored before the batch (`undefined`: none). */
  readonly expected: bigint | undefined;
  /** The batch's end: the checkpoint to store. */
  readonly through: bigint;
  readonly lease?: Lease;
}

/** What a handler run writes through: its documents, and the transaction's connection (raw). */
export interface PostgresProjectionRun {
  readonly session: DocumentSession;
  /** The connection inside the transaction: statements sent on it commit or roll back with the run. */
  readonly client: PostgresClient;
}

/**
 * Projections on PostgreSQL: each handler run is one transaction on one pooled connection (see
 * `projection-transaction.ts` for how its round trips are kept down). Documents are written through
 * a {@link DocumentSession} and reach the table in one statement, folded into the COMMIT.
 */
export interface PostgresProjectionStorage {
  readonly statements: DocumentStatements;
  /** The committed documents of a scope, read through `db` (the store's pool, or a transaction). */
  committed(db: QueryRunner, scope: DocumentScope): CommittedDocuments;
  /**
   * Runs one batch of an async projection: moves the checkpoint first (its row stays locked, and the
   * lease held, until commit), then runs `work`, then writes its documents and commits. A throw
   * rolls everything back.
   *
   * @throws CheckpointConflictError when the checkpoint moved or the lease is stale (nothing written)
   */
  runBatch(
    checkpoint: BatchCheckpoint,
    work: (run: PostgresProjectionRun) => Promise<void>,
    alsoWrite?: (db: QueryRunner) => Promise<void>,
  ): Promise<void>;
  /**
   * Appends with inline projections in one transaction: the append function, then `project` on the
   * stored events, then the documents with the COMMIT. A repeated or refused append runs nothing.
   */
  appendProjected(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly PreparedEvent[],
    project: (events: readonly DomainEvent[], run: PostgresProjectionRun) => Promise<void>,
  ): Promise<AppendResult>;
}

/**
 * @param s - the quoted schema
 * @param pool - the pool once the schema is ready (the store's schema gate)
 * @param db - the store's runner, for reads outside handlers
 */
export function createPostgresProjectionStorage(
  s: string,
  pool: () => Promise<PostgresPool>,
): PostgresProjectionStorage {
  const statements = createDocumentStatements(s);
  const compareAndSet = createCheckpointCompareAndSet(s);
  const committed = (db: QueryRunner, scope: DocumentScope): CommittedDocuments => ({
    get: (collection, id) => statements.get(db, scope, collection, id),
    findAll: (collection, filter) =>
      statements.find(db, scope, collection, filter, { after: '', limit: Number.MAX_SAFE_INTEGER }),
    find: (collection, filter, after, limit) =>
      statements.find(db, scope, collection, filter, { after, limit }),
    count: (collection, filter) => statements.count(db, scope, collection, filter),
  });

  return {
    statements,
    committed,

    async runBatch({ processorId, expected, through, lease }, work, alsoWrite) {
      await inProjectionTransaction(await pool(), async (tx) => {
        await compareAndSet(
          tx.db,
          processorId,
          through,
          lease === undefined ? { expected } : { expected, lease },
        );
        const session = new DocumentSession((scope) => committed(tx.db, scope));
        await work({ session, client: tx.client });
        await alsoWrite?.(tx.db);
        await tx.commit(statements.writeStatement(session.writes()));
      });
    },

    async appendProjected(stream, expectedVersion, events, project) {
      return inProjectionTransaction(
        await pool(),
        async (tx) => {
          let written = false;
          // The appender's own logic, inside this transaction. Its answer row says whether it wrote
          // (`ok`); an event id taken by a concurrent append raises a unique violation, which would
          // abort the transaction: rolling back to the savepoint lets the appender look the ids up
          // and answer by the idempotency rule, as it does outside a transaction.
          const appendDb: QueryRunner = {
            async rows<Row extends object>(text: string, values: readonly unknown[]) {
              try {
                const rows = await tx.db.rows<Row>(text, values);
                if ((rows[0] as { ok?: string } | undefined)?.ok === 't') written = true;
                return rows;
              } catch (error) {
                if (isUniqueViolation(error)) await tx.db.rows('ROLLBACK TO SAVEPOINT chronicle_append', []);
                throw error;
              }
            },
          };
          const result = await createAppender(s, appendDb).append(stream, expectedVersion, events);
          if (!written) return result;
          const stored = asStoredEvents(stream, events, {
            version: result.nextExpectedVersion - events.length + 1,
            position: result.firstPosition,
          });
          const session = new DocumentSession((scope) => committed(tx.db, scope));
          await project(stored, { session, client: tx.client });
          await tx.commit(statements.writeStatement(session.writes()));
          return result;
        },
        'BEGIN; SAVEPOINT chronicle_append',
      );
    },
  };
}
