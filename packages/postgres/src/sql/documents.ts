import type { DocumentRow, DocumentScope, EncodedFilter } from '@chronicle/core/adapter';
import type { QueryRunner } from './query-runner';

/** The final write of one document: its new JSON text, or `null` to delete it. */
export type DocumentWrite = readonly [collection: string, id: string, json: string | null];

/** A document's final write in a handler run, with the projection version it belongs to. */
export type ScopedWrite = readonly [DocumentScope, DocumentWrite];

/** A statement's text and parameters. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** One page of `find`: ids after `after` (exclusive, `''` for the first page), at most `limit` (`null`: all). */
export interface DocumentPage {
  readonly after: string;
  readonly limit: number | null;
}

/**
 * The SQL of `projection_documents` (migration 4). Every call takes the runner to send it on: the
 * store's pool for reads outside handlers, a transaction's client inside them.
 *
 * `find` and `count` compare `data -> 'field'` with the filter value as `jsonb` (`=`: strings,
 * booleans and `null` exactly, numbers numerically; a missing field never matches `null`).
 * {@link DocumentStatements.ensureIndex} builds the btree expression index on that expression.
 */
export interface DocumentStatements {
  get(db: QueryRunner, scope: DocumentScope, collection: string, id: string): Promise<string | undefined>;
  /**
   * The one statement that applies a handler run's writes, whatever their number and scopes
   * (`undefined` when there are none): sent alone, or folded into the transaction's COMMIT.
   */
  writeStatement(writes: readonly ScopedWrite[]): Statement | undefined;
  write(db: QueryRunner, writes: readonly ScopedWrite[]): Promise<void>;
  find(
    db: QueryRunner,
    scope: DocumentScope,
    collection: string,
    filter: EncodedFilter,
    page: DocumentPage,
  ): Promise<DocumentRow[]>;
  count(db: QueryRunner, scope: DocumentScope, collection: string, filter: EncodedFilter): Promise<number>;
  /** Drops every document of one version of a projection (the old one after a rebuild's switch). */
  dropVersion(db: QueryRunner, scope: DocumentScope): Promise<void>;
  /** The DDL of the expression index for equality on `field` (idempotent). */
  indexDefinition(field: string): string;
}

/** The document statements for the quoted schema `s`. */
export function createDocumentStatements(s: string): DocumentStatements {
  const table = `${s}.projection_documents`;
  const key = 'projection = $1 AND version = $2 AND collection = $3';
  const get = `SELECT data::text AS data FROM ${table} WHERE ${key} AND id = $4`;
  // One row per written document (a unit of work keeps only each document's final write):
  // deletes and upserts never touch the same row, so both can run in one statement. Each kind gets
  // its part only when the writes hold one: the statement is planned afresh every time (it travels
  // with the COMMIT, parameters inlined), and planning the delete's join cost more server time than
  // a one-document upsert itself (1 upsert: 310 us with the delete part, 140 without).
  const upserts = (rows: string) =>
    `INSERT INTO ${table} AS d (projection, version, collection, id, data) ` +
    `SELECT w.projection, w.version, w.collection, w.id, w.data::jsonb FROM ${rows} ` +
    'ON CONFLICT (projection, version, collection, id) DO UPDATE ' +
    'SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at';
  const deletes = (rows: string) =>
    `DELETE FROM ${table} d USING ${rows} WHERE d.projection = w.projection ` +
    'AND d.version = w.version AND d.collection = w.collection AND d.id = w.id';
  const unnested =
    'unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS w(projection, version, collection, id, data)';
  const write = {
    upserts: upserts(unnested),
    deletes: deletes(unnested),
    both:
      `WITH w AS (SELECT * FROM ${unnested}), ` +
      `removed AS (${deletes('w')} AND w.data IS NULL) ${upserts('w WHERE w.data IS NOT NULL')}`,
  };
  const writeStatement = (writes: readonly ScopedWrite[]): Statement | undefined => {
    if (writes.length === 0) return undefined;
    const column = <T>(pick: (write: ScopedWrite) => T): T[] => writes.map(pick);
    const data = column(([, [, , json]]) => json);
    const deleting = data.includes(null);
    return {
      text: !deleting ? write.upserts : data.every((json) => json === null) ? write.deletes : write.both,
      values: [
        column(([scope]) => scope.projection),
        column(([scope]) => scope.version),
        column(([, [collection]]) => collection),
        column(([, [, id]]) => id),
        data,
      ],
    };
  };
  const dropVersion = `DELETE FROM ${table} WHERE projection = $1 AND version = $2`;
  // The field's name is a literal in the text, so the planner matches it to the expression index.
  const where = (filter: EncodedFilter, first: number): string =>
    filter.map(([field], i) => ` AND ${fieldExpression(field)} = $${first + i}::jsonb`).join('');
  const scoped = (scope: DocumentScope, collection: string) => [scope.projection, scope.version, collection];
  const values = (filter: EncodedFilter) => filter.map(([, json]) => json);

  return {
    async get(db, scope, collection, id) {
      const [row] = await db.rows<{ data: string }>(get, [...scoped(scope, collection), id]);
      return row?.data;
    },
    writeStatement,
    async write(db, writes) {
      const statement = writeStatement(writes);
      if (statement !== undefined) await db.rows(statement.text, statement.values);
    },
    find(db, scope, collection, filter, page) {
      const after = 4 + filter.length;
      const text =
        `SELECT id, data::text AS data FROM ${table} WHERE ${key}${where(filter, 4)} ` +
        `AND id > $${after} ORDER BY id LIMIT $${after + 1}`;
      return db.rows<DocumentRow>(text, [
        ...scoped(scope, collection),
        ...values(filter),
        page.after,
        page.limit,
      ]);
    },
    async count(db, scope, collection, filter) {
      const text = `SELECT count(*) AS n FROM ${table} WHERE ${key}${where(filter, 4)}`;
      const [row] = await db.rows<{ n: string }>(text, [...scoped(scope, collection), ...values(filter)]);
      return Number(row?.n ?? 0);
    },
    async dropVersion(db, scope) {
      await db.rows(dropVersion, [scope.projection, scope.version]);
    },
    indexDefinition: (field) =>
      // Quoted: the name keeps the field's case (PostgreSQL folds unquoted names).
      `CREATE INDEX IF NOT EXISTS "projection_documents_by_${field}" ` +
      `ON ${table} (projection, version, collection, ${fieldExpression(field)})`,
  };
}

/** The expression `find` compares and the index hint indexes; `field` is a checked plain name. */
const fieldExpression = (field: string): string => `(data -> '${field}')`;
