import type { QueryRunner } from './query-runner';

/**
 * Whose documents a statement touches: one version of one projection. Two versions of a projection
 * live side by side during a rebuild, so the version is part of every key.
 */
export interface DocumentScope {
  readonly projection: string;
  readonly version: number;
}

/** A stored document as its row holds it: the id and the JSON text. */
export interface DocumentRow {
  readonly id: string;
  readonly data: string;
}

/**
 * Equality on top-level fields: field name → the value's JSON text (`JSON.stringify` of a string,
 * finite number, boolean or null). Field names are plain names, checked by the caller.
 */
export type EncodedFilter = ReadonlyArray<readonly [field: string, json: string]>;

/** One page of `find`: ids after `after` (exclusive, `''` for the first page), at most `limit`. */
export interface DocumentPage {
  readonly after: string;
  readonly limit: number;
}

/** The final write of one document in a unit of work: its new JSON text, or `null` to delete it. */
export type DocumentWrite = readonly [collection: string, id: string, json: string | null];

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
  /** Applies a unit of work's writes in one statement (one round trip, whatever their number). */
  write(db: QueryRunner, scope: DocumentScope, writes: readonly DocumentWrite[]): Promise<void>;
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
  // One row per written document (the unit of work keeps only each document's final write):
  // deletes and upserts never touch the same row, so both run in one statement.
  const write =
    'WITH w AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS w(collection, id, data)), ' +
    `removed AS (DELETE FROM ${table} d USING w WHERE w.data IS NULL AND d.projection = $1 ` +
    'AND d.version = $2 AND d.collection = w.collection AND d.id = w.id) ' +
    `INSERT INTO ${table} AS d (projection, version, collection, id, data) ` +
    'SELECT $1, $2, w.collection, w.id, w.data::jsonb FROM w WHERE w.data IS NOT NULL ' +
    'ON CONFLICT (projection, version, collection, id) DO UPDATE ' +
    'SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at';
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
    async write(db, scope, writes) {
      if (writes.length === 0) return;
      const column = (index: 0 | 1 | 2) => writes.map((entry) => entry[index]);
      await db.rows(write, [scope.projection, scope.version, column(0), column(1), column(2)]);
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
