/**
 * `pnpm --filter @chronicle/bench projections [--events N] [--rounds R] [--adapters sqlite,postgres] [--no-analyze]`:
 * projections against a hand-written baseline on the same driver, in the same run (issue #14).
 *
 * - W12 async projection: `startProjection` catching up a log of balances, vs. the baseline.
 * - W13 rebuild: `rebuildProjection` of a new version over the same log, vs. the baseline.
 *
 * The baseline does what a careful user would write by hand: read the log in pages of the same batch
 * size, and per page, in one transaction, read the page's accounts' documents once, fold the page in
 * memory, write each changed document once (PostgreSQL: one `= ANY` read, one `unnest` upsert) and
 * move a checkpoint row. Both verify their result; a wrong answer throws instead of reporting a figure.
 * Each round seeds a fresh store; the figures are medians over the rounds, the ratio the median of
 * the rounds' ratios (each measured back to back).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  type AggregateEvent,
  defineProjection,
  type ProjectableEventStore,
  readDocuments,
  rebuildProjection,
  startProjection,
} from '@chronicle/core';
import { createPostgresEventStore } from '@chronicle/postgres';
import { createSqliteEventStore } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_PG_URL } from '../options';

type Deposit = AggregateEvent<'Deposited', { amount: number }>;
type Balance = { balance: number; deposits: number };
type Row = { position: string | number; id: string; data: string };

const BATCH = 500;
const ACCOUNTS = 100;

const balances = (version: number) =>
  defineProjection<Deposit>({
    name: 'balances',
    version,
    handlers: {
      async Deposited(event, { documents }) {
        const docs = documents<Balance>('accounts');
        const current = await docs.get(event.aggregateId);
        await docs.put(event.aggregateId, {
          balance: (current?.balance ?? 0) + event.eventData.amount,
          deposits: (current?.deposits ?? 0) + 1,
        });
      },
    },
  });

/**
 * A page's effect, as a careful hand-written projector computes it: the documents of the page's
 * accounts as stored (`stored`, read once per page), the deposits folded in memory, every changed
 * document written once.
 */
function foldPage(rows: readonly Row[], stored: ReadonlyMap<string, string>): Map<string, string> {
  const balances = new Map<string, Balance>();
  for (const row of rows) {
    let current = balances.get(row.id);
    if (current === undefined) {
      const json = stored.get(row.id);
      current = json === undefined ? { balance: 0, deposits: 0 } : (JSON.parse(json) as Balance);
      balances.set(row.id, current);
    }
    current.balance += (JSON.parse(row.data) as { amount: number }).amount;
    current.deposits += 1;
  }
  return new Map([...balances].map(([id, balance]) => [id, JSON.stringify(balance)]));
}

/** The distinct accounts of a page. */
const accountsOf = (rows: readonly Row[]) => [...new Set(rows.map((row) => row.id))];

/** One adapter under test: how to open its store and run the hand-written baseline on its driver. */
interface Target {
  readonly name: string;
  open(round: number): Promise<ProjectableEventStore>;
  /**
   * After seeding: the planner statistics a log in use has (autovacuum's ANALYZE), so both sides read
   * pages by the position key. A log just bulk-loaded has none, and every page read sorts the rest of
   * the log (`--no-analyze` measures that state).
   */
  analyze(): Promise<void>;
  /** The baseline catch-up into documents table `table`; returns the events applied and the ms taken. */
  baseline(table: string): Promise<number>;
  dispose(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(os.tmpdir(), 'chronicle-projection-bench-'));
  let file = '';
  return {
    name: 'sqlite (file, WAL, synchronous=FULL)',
    async open(round) {
      file = join(dir, `bench-${round}.db`);
      return createSqliteEventStore({ filename: file });
    },
    async analyze() {
      const db = new Database(file);
      db.exec('ANALYZE');
      db.close();
    },
    async baseline(table) {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`CREATE TABLE ${table} (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
               CREATE TABLE ${table}_checkpoint (id INTEGER PRIMARY KEY, position INTEGER NOT NULL) STRICT;
               INSERT INTO ${table}_checkpoint VALUES (1, 0);`);
      const page = db.prepare(
        `SELECT position, aggregate_id AS id, event_data AS data FROM events WHERE position > ? AND event_type = 'Deposited' ORDER BY position LIMIT ${BATCH}`,
      );
      const get = db.prepare(`SELECT data FROM ${table} WHERE id = ?`).pluck();
      const put = db.prepare(
        `INSERT INTO ${table} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
      );
      const checkpoint = db.prepare(`UPDATE ${table}_checkpoint SET position = ? WHERE id = 1`);
      const apply = db.transaction((rows: Row[]) => {
        const stored = new Map<string, string>();
        for (const id of accountsOf(rows)) {
          const json = get.get(id) as string | undefined;
          if (json !== undefined) stored.set(id, json);
        }
        for (const [id, json] of foldPage(rows, stored)) put.run(id, json);
        checkpoint.run(rows.at(-1)!.position);
      });
      let events = 0;
      for (let after: string | number = 0; ; ) {
        const rows = page.all(after) as Row[];
        if (rows.length === 0) break;
        apply(rows);
        events += rows.length;
        after = rows.at(-1)!.position;
      }
      db.close();
      return events;
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresTarget(url: string): Target {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  let schema = '';
  /** Every round's schema: `dispose` drops them all, not only the last round's. */
  const schemas = new Set<string>();
  return {
    name: 'postgres',
    async open(round) {
      schema = `bench_projections_${process.pid}_${round}`;
      schemas.add(schema);
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      return createPostgresEventStore({ connectionString: url, schema });
    },
    async analyze() {
      await pool.query(`ANALYZE ${schema}.events`);
    },
    async baseline(table) {
      const client = await pool.connect();
      try {
        await client.query(`CREATE TABLE ${schema}.${table} (id text PRIMARY KEY, data jsonb NOT NULL);
          CREATE TABLE ${schema}.${table}_checkpoint (id int PRIMARY KEY, position bigint NOT NULL);
          INSERT INTO ${schema}.${table}_checkpoint VALUES (1, 0)`);
        let events = 0;
        for (let after = '0'; ; ) {
          const { rows } = await client.query<Row>({
            name: `${schema}-page`,
            // `position` stays int8 (node-postgres hands it over as text): `position::text` would be
            // the output column ORDER BY sorts on, a sort of every remaining row by text per page.
            text: `SELECT position, aggregate_id AS id, event_data::text AS data FROM ${schema}.events WHERE position > $1 AND event_type = 'Deposited' ORDER BY position LIMIT ${BATCH}`,
            values: [after],
          });
          if (rows.length === 0) break;
          await client.query('BEGIN');
          const found = await client.query<{ id: string; data: string }>({
            name: `${schema}-${table}-get`,
            text: `SELECT id, data::text FROM ${schema}.${table} WHERE id = ANY($1)`,
            values: [accountsOf(rows)],
          });
          const documents = foldPage(rows, new Map(found.rows.map((row) => [row.id, row.data])));
          await client.query({
            name: `${schema}-${table}-put`,
            text: `INSERT INTO ${schema}.${table} (id, data) SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
            values: [[...documents.keys()], [...documents.values()]],
          });
          await client.query({
            name: `${schema}-${table}-checkpoint`,
            text: `UPDATE ${schema}.${table}_checkpoint SET position = $1 WHERE id = 1`,
            values: [rows.at(-1)!.position],
          });
          await client.query('COMMIT');
          events += rows.length;
          after = String(rows.at(-1)!.position);
        }
        return events;
      } finally {
        client.release();
      }
    },
    async dispose() {
      for (const each of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${each} CASCADE`);
      await pool.end();
    },
  };
}

interface RoundResult {
  readonly asyncRate: number;
  readonly asyncBaseline: number;
  readonly rebuildRate: number;
  readonly rebuildBaseline: number;
}

const rate = (n: number, ms: number) => (n / ms) * 1000;
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

async function round(target: Target, events: number, index: number, analyze: boolean): Promise<RoundResult> {
  const store = await target.open(index);
  try {
    const expected = new Map<string, number>();
    let head = 0n;
    for (let i = 0; i < events; i += 1000) {
      const id = `acc-${(i / 1000) % ACCOUNTS}`;
      const batch = Array.from({ length: Math.min(1000, events - i) }, (_, k) => ({
        eventType: 'Deposited',
        eventData: { amount: (i + k) % 7 },
      }));
      head = (await store.append({ aggregateType: 'Account', aggregateId: id }, 'any', batch)).lastPosition;
      expected.set(id, (expected.get(id) ?? 0) + batch.reduce((sum, e) => sum + e.eventData.amount, 0));
    }
    if (analyze) await target.analyze();
    const verify = async (what: string) => {
      const docs = readDocuments<Balance>(store, 'balances', 'accounts');
      for (const [id, balance] of expected) {
        const doc = await docs.get(id);
        if (doc?.balance !== balance)
          throw new Error(`${what}: ${id} has ${doc?.balance}, expected ${balance}`);
      }
    };

    const baseline = async (table: string): Promise<[number, number]> => {
      const [applied, ms] = await timed(() => target.baseline(table));
      // A baseline that skips events (a page order that jumps) would look faster than it is.
      if (applied !== events) throw new Error(`baseline ${table}: applied ${applied} of ${events} events`);
      return [applied, ms];
    };
    const [base1, base1Ms] = await baseline('baseline_async');
    const [, asyncMs] = await timed(async () => {
      const processor = startProjection(store, balances(1), { batchSize: BATCH });
      await processor.whenProcessed(head, { timeoutMs: 600_000 });
      await processor.stop();
    });
    await verify('async');
    const [base2, base2Ms] = await baseline('baseline_rebuild');
    const [, rebuildMs] = await timed(() => rebuildProjection(store, balances(2), { batchSize: BATCH }));
    await verify('rebuild');
    return {
      asyncRate: rate(events, asyncMs),
      asyncBaseline: rate(base1, base1Ms),
      rebuildRate: rate(events, rebuildMs),
      rebuildBaseline: rate(base2, base2Ms),
    };
  } finally {
    await store.close();
  }
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

async function main() {
  const events = Number(option('events', '100000'));
  const rounds = Number(option('rounds', '3'));
  const adapters = option('adapters', 'sqlite,postgres').split(',');
  const analyze = !process.argv.includes('--no-analyze');
  const url = process.env.CHRONICLE_PG_URL ?? DEFAULT_PG_URL;
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join('/');
  process.stdout.write(`load average (1/5/15 min) at the start: ${load()}\n`);
  for (const adapter of adapters) {
    const target = adapter === 'postgres' ? postgresTarget(url) : sqliteTarget();
    try {
      const results: RoundResult[] = [];
      for (let r = 0; r < rounds; r++) {
        const result = await round(target, events, r, analyze);
        results.push(result);
        const pair = (mine: number, base: number) =>
          `${Math.round(mine)}/${Math.round(base)} = ${(mine / base).toFixed(2)}x`;
        process.stdout.write(
          `  round ${r + 1}: W12 ${pair(result.asyncRate, result.asyncBaseline)}, ` +
            `W13 ${pair(result.rebuildRate, result.rebuildBaseline)}, load ${load()}\n`,
        );
      }
      const line = (id: string, name: string, key: 'async' | 'rebuild') => {
        const mine = median(results.map((x) => x[`${key}Rate`]));
        const base = median(results.map((x) => x[`${key}Baseline`]));
        const ratio = median(results.map((x) => x[`${key}Rate`] / x[`${key}Baseline`]));
        return `${id} ${name}: ${Math.round(mine)} events/s, baseline ${Math.round(base)} events/s, ratio ${ratio.toFixed(2)}x (target >= 0.8x)`;
      };
      process.stdout.write(
        `${target.name}: ${events} events over ${ACCOUNTS} accounts, batches of ${BATCH}, medians of ${rounds} rounds${analyze ? '' : ', log not analyzed'}\n` +
          `  ${line('W12', 'async projection catch-up', 'async')}\n` +
          `  ${line('W13', 'rebuild of a new version', 'rebuild')}\n`,
      );
    } finally {
      await target.dispose();
    }
  }
  process.stdout.write(`load average (1/5/15 min) at the end: ${load()}\n`);
}

// Run as a command only: `pnpm bench` imports this module for W12/W13 (the exports below).
if (import.meta.filename === process.argv[1]) await main();

export {
  postgresTarget as projectionPostgresTarget,
  type RoundResult as ProjectionRoundResult,
  round as projectionRound,
  sqliteTarget as projectionSqliteTarget,
  type Target as ProjectionTarget,
};
