import type {
  AppendResult,
  DomainEvent,
  ExpectedVersion,
  ProjectionVersion,
  StreamRef,
} from '@chronicle/core';
import {
  asStoredEvents,
  type CollectionAddress,
  type DocumentReads,
  encodeFilter,
  type PreparedEvent,
  type ProjectionStorage,
  type ProjectionTransaction,
} from '@chronicle/core/adapter';
import type { PostgresPool } from './postgres-driver';
import { isUniqueViolation } from './postgres-errors';
import { inProjectionTransaction, type SqlTransaction } from './projection-transaction';
import { BufferedDocumentWrites, type TableReads } from './projection-writes';
import { createAppender } from './sql/append';
import { createCheckpointCompareAndSet } from './sql/checkpoint-store';
import { createDocumentStatements } from './sql/documents';
import { createVersionStatements } from './sql/documents-versions';
import type { QueryRunner } from './sql/query-runner';

/** Projections' storage on PostgreSQL, plus the append that runs inline projections. */
export interface PostgresProjectionStorage extends ProjectionStorage {
  /**
   * Appends with inline projections in one transaction: the append function, `apply` on the stored
   * events, the documents with the COMMIT. A repeated or refused append applies nothing.
   */
  appendProjected(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly PreparedEvent[],
    apply: (tx: ProjectionTransaction, events: readonly DomainEvent[]) => Promise<void>,
  ): Promise<AppendResult>;
}

/**
 * Projections on PostgreSQL. A transaction is one `pg` transaction on one pooled connection
 * (`projection-transaction.ts` folds `BEGIN` and `COMMIT` into its first and last statements); its
 * document writes are buffered ({@link BufferedDocumentWrites}) and sent as one statement with the
 * COMMIT. Inline appends hold a shared advisory lock of the schema for their transaction, an
 * `exclusive` transaction (a rebuild's switch) the same lock exclusively, so no append falls between
 * "caught up" and "switched".
 *
 * @param s - the quoted schema
 * @param pool - the pool once the schema is ready (the store's schema gate)
 * @param db - the store's runner, for reads outside transactions
 */
export function createPostgresProjectionStorage(
  s: string,
  pool: () => Promise<PostgresPool>,
  db: QueryRunner,
): PostgresProjectionStorage {
  const documents = createDocumentStatements(s);
  const versions = createVersionStatements(s);
  const compareAndSet = createCheckpointCompareAndSet(s);
  // One advisory lock per schema, keyed by its name, shared by inline appends.
  const lock = `hashtext('chronicle projections ' || ${literal(s)})`;
  const versionsQuery = `SELECT name, version, status FROM ${s}.projection_versions ORDER BY name, version`;

  const tableOn = (runner: QueryRunner): TableReads => ({
    get: (at, id) => documents.get(runner, at, at.collection, id),
    find: (at, filter, limit) =>
      documents.find(runner, at, at.collection, encodeFilter(filter), { after: '', limit: limit ?? null }),
    count: (at, filter) => documents.count(runner, at, at.collection, encodeFilter(filter)),
  });
  const readsOn = (runner: QueryRunner): DocumentReads => {
    const table = tableOn(runner);
    return {
      get: table.get,
      find: async (at, filter, { limit }) => (await table.find(at, filter, limit)).map((row) => row.data),
      count: table.count,
    };
  };

  /**
   * The port's transaction over one SQL transaction. `known` resolves to every stored version, read
   * with the transaction's opening statements (so asking costs no round trip of its own); the
   * transaction's own status changes are laid over it.
   */
  function projectionTransaction(sql: SqlTransaction, known: () => Promise<ProjectionVersion[]>) {
    const buffered = new BufferedDocumentWrites(tableOn(sql.db));
    const tx: ProjectionTransaction = {
      documents: {
        get: (at, id) => buffered.get(at, id),
        find: (at, filter, options) => buffered.find(at, filter, options),
        count: (at, filter) => buffered.count(at, filter),
        put: async (at, id, json) => buffered.put(at, id, json),
        delete: (at, id) => buffered.delete(at, id),
        ensureIndex: async (_: CollectionAddress, field: string) => {
          await sql.db.rows(documents.indexDefinition(field), []);
        },
        drop: async (projection, version) => {
          buffered.forget(projection, version);
          await documents.dropVersion(sql.db, { projection, version });
        },
      },
      saveCheckpoint: (processorId, position, options) =>
        compareAndSet(sql.db, processorId, position, options),
      versions: async (name) => (await known()).filter((version) => version.name === name),
      setVersionStatus: async (name, version, status) => {
        const stored = await known();
        await versions.setStatus(sql.db, name, version, status);
        const index = stored.findIndex((each) => each.name === name && each.version === version);
        if (index >= 0) stored.splice(index, 1, { name, version, status });
        else stored.push({ name, version, status });
      },
      raw: sql.client,
    };
    const commit = () => sql.commit(documents.writeStatement(buffered.writes()));
    return { tx, commit };
  }

  return {
    async transaction(work, options) {
      const exclusive = options?.exclusive === true;
      return inProjectionTransaction(
        await pool(),
        async (sql) => {
          const { tx, commit } = projectionTransaction(
            sql,
            once(async () => {
              await sql.begin();
              return versionsOf(sql.openingRows().at(-1));
            }),
          );
          // Exclusive: the lock is held before `work` reads anything (a rebuild reads the last
          // events outside this transaction, and no inline append may commit after that read).
          if (exclusive) await sql.begin();
          const result = await work(tx);
          await commit();
          return result;
        },
        // The versions come with the first statement, held FOR SHARE until the commit: a switch
        // (which updates their status) waits for this transaction, so it never writes documents
        // into a version that was retired after it read the status.
        `BEGIN; ${exclusive ? `SELECT pg_advisory_xact_lock(${lock}); ` : ''}${versionsQuery} FOR SHARE`,
      );
    },

    documents: readsOn(db),

    versions: async (name): Promise<ProjectionVersion[]> => versions.list(db, name),

    async appendProjected(stream, expectedVersion, events, apply) {
      return inProjectionTransaction(
        await pool(),
        async (sql) => {
          let written = false;
          // The appender's own logic, inside this transaction. Its answer row says whether it wrote
          // (`ok`); an event id taken meanwhile raises a unique violation, which would abort the
          // transaction: rolling back to the savepoint lets the appender look the ids up and answer
          // by the idempotency rule, as it does outside a transaction.
          const appendDb: QueryRunner = {
            async rows<Row extends object>(text: string, values: readonly unknown[]) {
              try {
                const rows = await sql.db.rows<Row>(text, values);
                if ((rows[0] as { ok?: string } | undefined)?.ok === 't') written = true;
                return rows;
              } catch (error) {
                if (isUniqueViolation(error)) await sql.db.rows('ROLLBACK TO SAVEPOINT chronicle_append', []);
                throw error;
              }
            },
          };
          const result = await createAppender(s, appendDb).append(stream, expectedVersion, events);
          if (!written) return result;
          // Read in the first round trip, under the shared lock: no switch can commit before this append.
          const known = versionsOf(sql.openingRows().at(-2));
          const { tx, commit } = projectionTransaction(sql, async () => known);
          await apply(
            tx,
            asStoredEvents(stream, events, {
              version: result.nextExpectedVersion - events.length + 1,
              position: result.firstPosition,
            }),
          );
          await commit();
          return result;
        },
        `BEGIN; SELECT pg_advisory_xact_lock_shared(${lock}); ${versionsQuery}; SAVEPOINT chronicle_append`,
      );
    },
  };
}

/** The rows of the versions query, decoded (the runner leaves every value as text). */
const versionsOf = (rows: object[] | undefined): ProjectionVersion[] =>
  ((rows ?? []) as ProjectionVersion[]).map((row) => ({ ...row, version: Number(row.version) }));

/** `load`'s result, loaded on the first call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/** `value` as a SQL string literal (for the schema's quoted name inside the lock key). */
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;
