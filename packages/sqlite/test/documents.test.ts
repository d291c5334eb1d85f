import { encodeFilter } from '@chronicle/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { prepareDocumentStatements } from '../src/sql/documents';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('documents');
afterAll(() => temp.cleanup());

const scope = { projection: 'orders', version: 1 };

function open() {
  const store = createSqliteEventStore({ filename: temp.file() });
  const sql = prepareDocumentStatements(store.database);
  return { store, sql };
}

describe('projection documents on SQLite', () => {
  it('find and count match top-level fields exactly: type matters, a missing field is not null', () => {
    const { sql, store } = open();
    const docs: Record<string, unknown> = {
      a: { status: 'open', n: 1, flag: true, note: null },
      b: { status: 'open', n: 1.5, flag: false },
      c: { status: 'closed', n: '1', flag: 'true' },
      d: { status: 'ÖPEN\u2028"x"', n: -3 },
    };
    for (const [id, data] of Object.entries(docs)) sql.put(scope, 'items', id, JSON.stringify(data), 0);
    const ids = (filter: Record<string, unknown>) =>
      sql.find(scope, 'items', encodeFilter(filter), { after: '', limit: 100 }).map((row) => row.id);
    expect(ids({ status: 'open' })).toEqual(['a', 'b']);
    expect(ids({ n: 1 })).toEqual(['a']);
    expect(ids({ n: '1' })).toEqual(['c']);
    expect(ids({ flag: true })).toEqual(['a']);
    expect(ids({ flag: 'true' })).toEqual(['c']);
    expect(ids({ note: null })).toEqual(['a']);
    expect(ids({ status: 'ÖPEN\u2028"x"' })).toEqual(['d']);
    expect(ids({ status: 'open', n: 1.5 })).toEqual(['b']);
    expect(ids({})).toEqual(['a', 'b', 'c', 'd']);
    expect(sql.count(scope, 'items', encodeFilter({ status: 'open' }))).toBe(2);
    // Another version of the same projection is another set of documents.
    expect(sql.count({ ...scope, version: 2 }, 'items', [])).toBe(0);
    expect(sql.dropVersion(scope)).toBe(4);
    return store.close();
  });

  it('find pages by id after the last one seen', () => {
    const { sql, store } = open();
    for (let i = 0; i < 25; i++) sql.put(scope, 'items', `id-${String(i).padStart(2, '0')}`, '{"k":1}', 0);
    const seen: string[] = [];
    for (let after = ''; ; ) {
      const page = sql.find(scope, 'items', encodeFilter({ k: 1 }), { after, limit: 10 });
      seen.push(...page.map((row) => row.id));
      if (page.length < 10) break;
      after = page[page.length - 1]!.id;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    return store.close();
  });

  it('the index hint creates an expression index that find uses', () => {
    const { sql, store } = open();
    sql.ensureIndex('status');
    sql.ensureIndex('status');
    sql.ensureIndex('Status');
    for (let i = 0; i < 50; i++) sql.put(scope, 'items', `i${i}`, JSON.stringify({ status: `s${i % 5}` }), 0);
    const page = sql.find(
      scope,
      'items',
      encodeFilter({ status: 's1' }),
      { after: 'i11', limit: 3 },
      'status',
    );
    expect(page.map((row) => row.id)).toEqual(['i16', 'i21', 'i26']);
    const indexes = store.database
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'projection_documents_by_%'`,
      )
      .all();
    expect(indexes).toHaveLength(2);
    // find names the index (INDEXED BY): without it, the same statement cannot run.
    const status = store.database
      .prepare(`SELECT name FROM sqlite_schema WHERE name GLOB 'projection_documents_by_status_*'`)
      .get() as { name: string };
    store.database.exec(`DROP INDEX ${status.name}`);
    const find = () =>
      sql.find(scope, 'items', encodeFilter({ status: 's1' }), { after: '', limit: 1 }, 'status');
    expect(find).toThrow(/no such index/);
    return store.close();
  });
});
