import type { EncodedFilter } from '@chronicle/core/adapter';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inlineParameters, inProjectionTransaction } from '../src/projection-transaction';
import { projectionDocuments } from '../src/schema/projection-documents';
import { quoteIdentifier } from '../src/schema/schema-name';
import { createDocumentStatements } from '../src/sql/documents';
import { createQueryRunner } from '../src/sql/query-runner';
import { describePostgres, everyPath, freshSchemaName, type Via } from './support/postgres';
import { countingRoundTrips } from './support/round-trips';

const scope = { projection: 'orders', version: 1 };
const encode = (filter: Record<string, unknown>): EncodedFilter =>
  Object.entries(filter).map(([field, value]) => [field, JSON.stringify(value)] as const);

for (const via of everyPath) {
  describePostgres(
    'projection documents on PostgreSQL',
    () => {
      const schema = freshSchemaName('projsql_docs');
      const quoted = quoteIdentifier(schema);
      let pool: pg.Pool;
      const sql = createDocumentStatements(quoted);
      const db = () => createQueryRunner(async () => pool, via.settings.prepareStatements ?? true);
      const counting = () => countingRoundTrips(pool);

      beforeAll(async () => {
        pool = new pg.Pool({ connectionString: via.target.url!, max: 3 });
        pool.on('error', () => {});
        await pool.query(`CREATE SCHEMA ${quoted}`);
        await pool.query(projectionDocuments.sql(quoted));
      });
      afterAll(async () => {
        await pool.query(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`);
        await pool.end();
      });

      it('find and count match top-level fields exactly: type matters, a missing field is not null', async () => {
        const docs: Record<string, unknown> = {
          a: { status: 'open', n: 1, flag: true, note: null },
          b: { status: 'open', n: 1.5, flag: false },
          c: { status: 'closed', n: '1', flag: 'true' },
          d: { status: 'ÖPEN\u2028"x\\y\'', n: -3 },
        };
        await sql.write(
          db(),
          Object.entries(docs).map(([id, data]) => [scope, ['items', id, JSON.stringify(data)]] as const),
        );
        const ids = async (filter: Record<string, unknown>) =>
          (await sql.find(db(), scope, 'items', encode(filter), { after: '', limit: 100 })).map((r) => r.id);
        expect(await ids({ status: 'open' })).toEqual(['a', 'b']);
        expect(await ids({ n: 1 })).toEqual(['a']);
        expect(await ids({ n: '1' })).toEqual(['c']);
        expect(await ids({ flag: true })).toEqual(['a']);
        expect(await ids({ flag: 'true' })).toEqual(['c']);
        expect(await ids({ note: null })).toEqual(['a']);
        expect(await ids({ status: 'ÖPEN\u2028"x\\y\'' })).toEqual(['d']);
        expect(await ids({ status: 'open', n: 1.5 })).toEqual(['b']);
        expect(await sql.count(db(), scope, 'items', encode({ status: 'open' }))).toBe(2);
        expect(await sql.count(db(), { ...scope, version: 2 }, 'items', [])).toBe(0);
        expect(JSON.parse((await sql.get(db(), scope, 'items', 'd'))!)).toEqual(docs.d);
        await sql.dropVersion(db(), scope);
        expect(await sql.count(db(), scope, 'items', [])).toBe(0);
      });

      it('one write statement puts and deletes; find pages by id in bytewise order', async () => {
        const ids = ['b', 'B', 'a', 'é', 'a-1', 'a_1', 'Z'];
        await sql.write(
          db(),
          ids.map((id) => [scope, ['items', id, JSON.stringify({ k: 1 })]] as const),
        );
        await sql.write(db(), [
          [scope, ['items', 'Z', null]],
          [scope, ['items', 'B', JSON.stringify({ k: 2 })]],
          [{ ...scope, version: 2 }, ['items', 'v2', JSON.stringify({ k: 1 })]],
        ]);
        const seen: string[] = [];
        for (let after = ''; ; ) {
          const page = await sql.find(db(), scope, 'items', encode({ k: 1 }), { after, limit: 2 });
          seen.push(...page.map((row) => row.id));
          if (page.length < 2) break;
          after = page.at(-1)!.id;
        }
        expect(seen).toEqual(['a', 'a-1', 'a_1', 'b', 'é']);
        expect(await sql.count(db(), { ...scope, version: 2 }, 'items', [])).toBe(1);
        await sql.dropVersion(db(), scope);
        await sql.dropVersion(db(), { ...scope, version: 2 });
      });

      it('the index hint builds an expression index the planner uses for equality', async () => {
        await pool.query(sql.indexDefinition('status'));
        await pool.query(sql.indexDefinition('status'));
        // Enough documents of one collection, with statistics, that equality on the field is the
        // selective condition: on a near-empty table the primary key costs the same and may win.
        await pool.query(
          `INSERT INTO ${quoted}.projection_documents (projection, version, collection, id, data) ` +
            `SELECT 'p', 1, 'c', 'd' || i, jsonb_build_object('status', 's' || i) FROM generate_series(1, 2000) i`,
        );
        await pool.query(`ANALYZE ${quoted}.projection_documents`);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SET LOCAL enable_seqscan = off');
          const { rows } = await client.query(
            `EXPLAIN SELECT id FROM ${quoted}.projection_documents WHERE projection = 'p' AND version = 1 AND collection = 'c' AND (data -> 'status') = '"open"'::jsonb`,
          );
          expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('projection_documents_by_status');
        } finally {
          await client.query('ROLLBACK');
          client.release();
        }
      });

      it('a transaction of a read and a write costs two round trips and commits both', async () => {
        await sql.write(db(), [[scope, ['items', 'r', JSON.stringify({ n: 1 })]]]);
        let { counter, pool: counted } = counting();
        await inProjectionTransaction(counted, async (tx) => {
          const current = JSON.parse((await sql.get(tx.db, scope, 'items', 'r'))!) as { n: number };
          await sql.write(tx.db, [[scope, ['items', 'r', JSON.stringify({ n: current.n + 1 })]]]);
          await tx.commit({ text: 'SELECT 1 AS one', values: [] });
        });
        // BEGIN + read, write, COMMIT + the last statement.
        expect(counter.roundTrips).toBe(3);
        ({ counter, pool: counted } = counting());
        await inProjectionTransaction(counted, async (tx) => {
          await sql.get(tx.db, scope, 'items', 'r');
          const [row] = await tx.commit<{ one: string }>({ text: 'SELECT $1::int + 1 AS one', values: [1] });
          expect(row?.one).toBe('2');
        });
        expect(counter.roundTrips).toBe(2);
        expect(JSON.parse((await sql.get(db(), scope, 'items', 'r'))!)).toEqual({ n: 2 });
      });

      it('inlined parameters reach the server as the exact values, whatever standard_conforming_strings says', async () => {
        const hostile = [
          "it's",
          "'); DROP TABLE x; --",
          '\\',
          "\\'",
          '$1 $2 $$ $q$',
          'NULL',
          '',
          ' {a,b} "c" ',
          'line\nbreak\ttab',
          'héllo 👋 𝄞',
        ];
        // Each value is inlined once alone and once as an array element; `$1` inside a value must
        // stay text (the replacement never rescans what it inserted).
        const text =
          'SELECT $1::text AS one, ($2::text[])[1] AS first, ($2::text[])[2] IS NULL AS second_null, ' +
          'cardinality($2::text[]) AS n, $3::text AS none';
        for (const conforming of ['on', 'off']) {
          for (const value of hostile) {
            const [row] = await inProjectionTransaction(pool, async (tx) => {
              await tx.db.rows(`SET LOCAL standard_conforming_strings = ${conforming}`, []);
              return tx.commit({ text, values: [value, [value, null], null] });
            });
            expect(row).toEqual({ one: value, first: value, second_null: 't', n: '2', none: null });
          }
        }
      });

      it('one write statement per batch: upserts, deletes, or both', async () => {
        const run = (writes: Parameters<typeof sql.writeStatement>[0]) =>
          inProjectionTransaction(pool, async (tx) => {
            await tx.commit(sql.writeStatement(writes));
          });
        await run([
          [scope, ['shapes', 'a', JSON.stringify({ n: 1 })]],
          [scope, ['shapes', 'b', JSON.stringify({ n: 2 })]],
        ]);
        await run([[scope, ['shapes', 'a', null]]]);
        expect(await sql.get(db(), scope, 'shapes', 'a')).toBeUndefined();
        await run([
          [scope, ['shapes', 'b', null]],
          [scope, ['shapes', 'c', JSON.stringify({ n: 3 })]],
        ]);
        expect(await sql.get(db(), scope, 'shapes', 'b')).toBeUndefined();
        expect(JSON.parse((await sql.get(db(), scope, 'shapes', 'c'))!)).toEqual({ n: 3 });
      });

      it('a throw rolls back every write of the transaction, and the connection is reusable', async () => {
        await expect(
          inProjectionTransaction(pool, async (tx) => {
            await sql.write(tx.db, [[scope, ['items', 'gone', JSON.stringify({ n: 1 })]]]);
            throw new Error('handler failed');
          }),
        ).rejects.toThrow('handler failed');
        await expect(
          inProjectionTransaction(pool, async (tx) => {
            await sql.write(tx.db, [[scope, ['items', 'gone', JSON.stringify({ n: 1 })]]]);
            await tx.commit({ text: 'SELECT 1/0', values: [] });
          }),
        ).rejects.toThrow(/division by zero/);
        expect(await sql.get(db(), scope, 'items', 'gone')).toBeUndefined();
        const results = await Promise.all(
          [1, 2, 3, 4].map(() =>
            inProjectionTransaction(
              pool,
              async (tx) => (await tx.db.rows<{ x: string }>('SELECT 1 AS x', []))[0],
            ),
          ),
        );
        expect(results).toEqual([{ x: '1' }, { x: '1' }, { x: '1' }, { x: '1' }]);
      });
    },
    via as Via,
  );
}

it('inlined parameters survive quotes, backslashes, arrays and NULL', () => {
  expect(
    inlineParameters('SELECT $1, $2, $3, $10', ["it's \\", ['a"b', null, 'c\\'], null, 7, 0, 0, 0, 0, 0, 1]),
  ).toBe(`SELECT E'it''s \\\\', E'{"a\\\\"b",NULL,"c\\\\\\\\"}', NULL, E'1'`);
});
