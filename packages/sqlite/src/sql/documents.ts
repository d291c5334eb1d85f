import type { DocumentRow, DocumentScope, EncodedFilter } from '@chronicle/core/adapter';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-driver';

/** One page of `find`: ids after `after` (exclusive, `''` for the first page), at most `limit`. */
export interface DocumentPage {
  readonly after: string;
  readonly limit: number;
}

/**
 * The SQL of the `projection_documents` table (migration 3), one prepared statement per shape and
 * reused. Synchronous like better-sqlite3: the caller decides which transaction a call runs in.
 *
 * `find` and `count` compare `data -> '$.field'` (the field's JSON text as SQLite renders it) with
 * the filter value rendered the same way (`? -> '$'`), so strings, numbers, booleans and `null` match
 * exactly and a missing field never matches `null`. {@link DocumentStatements.ensureIndex} creates
 * an expression index on that very expression, which SQLite then uses for equality on the field.
 */
export interface DocumentStatements {
  get(scope: DocumentScope, collection: string, id: string): string | undefined;
  put(scope: DocumentScope, collection: string, id: string, json: string, now: number): void;
  /** @returns whether a document was deleted */
  delete(scope: DocumentScope, collection: string, id: string): boolean;
  /** `index`: the index hint, a filtered field whose index (when it exists) serves the query. */
  find(
    scope: DocumentScope,
    collection: string,
    filter: EncodedFilter,
    page: DocumentPage,
    index?: string,
  ): DocumentRow[];
  count(scope: DocumentScope, collection: string, filter: EncodedFilter): number;
  /** Drops every document of one version of a projection (the old one after a rebuild's switch). */
  dropVersion(scope: DocumentScope): number;
  /** Creates (once) the expression index for equality on `field`, shared by every projection. */
  ensureIndex(field: string): void;
}

const KEY = 'projection = ? AND version = ? AND collection = ?';

export function prepareDocumentStatements(database: SqliteDatabase): DocumentStatements {
  const prepare = (sql: string): SqliteStatement => database.prepare(sql);
  const get = prepare(`SELECT data FROM projection_documents WHERE ${KEY} AND id = ?`);
  const put = prepare(
    `INSERT INTO projection_documents (projection, version, collection, id, data, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (projection, version, collection, id) DO UPDATE SET
       data = excluded.data, updated_at = excluded.updated_at`,
  );
  const remove = prepare(`DELETE FROM projection_documents WHERE ${KEY} AND id = ?`);
  const dropVersion = prepare('DELETE FROM projection_documents WHERE projection = ? AND version = ?');
  // One statement per set of filtered fields, prepared on first use: the field's path must be a
  // literal in the text for SQLite to match the expression index.
  const finds = new Map<string, SqliteStatement>();
  const counts = new Map<string, SqliteStatement>();
  const where = (filter: EncodedFilter): string =>
    filter.map(([field]) => ` AND ${fieldExpression(field)} = (? -> '$')`).join('');
  const indexed = new Set<string>();
  const findIndex = prepare(`SELECT 1 AS found FROM sqlite_schema WHERE type = 'index' AND name = ?`);
  const hasIndex = (field: string): boolean => {
    if (!indexed.has(field) && findIndex.get(indexName(field)) !== undefined) indexed.add(field);
    return indexed.has(field);
  };
  const cached = (
    cache: Map<string, SqliteStatement>,
    filter: EncodedFilter,
    hinted: string | undefined,
    sql: () => string,
  ) => {
    const key = `${hinted ?? ''}\u0000${filter.map(([field]) => field).join('\u0000')}`;
    let statement = cache.get(key);
    if (statement === undefined) {
      statement = prepare(sql());
      cache.set(key, statement);
    }
    return statement;
  };
  const values = (filter: EncodedFilter) => filter.map(([, json]) => json);

  return {
    get: (scope, collection, id) =>
      (get.get(scope.projection, scope.version, collection, id) as { data: string } | undefined)?.data,
    put(scope, collection, id, json, now) {
      put.run(scope.projection, scope.version, collection, id, json, now);
    },
    delete: (scope, collection, id) =>
      remove.run(scope.projection, scope.version, collection, id).changes > 0,
    find(scope, collection, filter, page, index) {
      // Without statistics SQLite prefers walking the primary key in id order to the field's index,
      // so the index hint names the index (when it exists): the caller's word that it pays.
      const hinted =
        index !== undefined && filter.some(([field]) => field === index) && hasIndex(index)
          ? index
          : undefined;
      const use = hinted === undefined ? '' : ` INDEXED BY ${indexName(hinted)}`;
      const statement = cached(
        finds,
        filter,
        hinted,
        () =>
          `SELECT id, data FROM projection_documents${use} WHERE ${KEY}${where(filter)} AND id > ?
           ORDER BY id LIMIT ?`,
      );
      return statement.all(
        scope.projection,
        scope.version,
        collection,
        ...values(filter),
        page.after,
        page.limit,
      ) as DocumentRow[];
    },
    count(scope, collection, filter) {
      const statement = cached(
        counts,
        filter,
        undefined,
        () => `SELECT count(*) AS n FROM projection_documents WHERE ${KEY}${where(filter)}`,
      );
      const row = statement.get(scope.projection, scope.version, collection, ...values(filter));
      return Number((row as { n: number | bigint }).n);
    },
    dropVersion: (scope) => dropVersion.run(scope.projection, scope.version).changes,
    ensureIndex(field) {
      database.exec(
        `CREATE INDEX IF NOT EXISTS ${indexName(field)}
         ON projection_documents (projection, version, collection, ${fieldExpression(field)})`,
      );
      indexed.add(field);
    },
  };
}

/**
 * The index's name: SQLite compares names case-insensitively, so a hash of the exact field name
 * keeps `status` and `Status` apart.
 */
function indexName(field: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < field.length; i++) hash = Math.imul(hash ^ field.charCodeAt(i), 0x01000193);
  return `projection_documents_by_${field}_${(hash >>> 0).toString(36)}`;
}

/** The expression `find` compares and the index hint indexes; `field` is a checked plain name. */
const fieldExpression = (field: string): string => `(data -> '$.${field}')`;
