/**
 * `pnpm --filter @chronicle/bench projections [events]`: projections on SQLite against a hand-written
 * baseline on the same driver, in the same run (issue #14).
 *
 * - W12 async projection: `startProjection` catching up a log of balances, vs. the baseline.
 * - W13 rebuild: `rebuildProjection` of a new version over the same log, vs. the baseline.
 *
 * The baseline does what a careful user would write by hand: read the log in pages of the same batch
 * size, and per page, in one transaction, read and upsert each account's balance document and move a
 * checkpoint row. Both verify their result; a wrong answer throws instead of reporting a figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  type AggregateEvent,
  defineProjection,
  readDocuments,
  rebuildProjection,
  startProjection,
} from '@chronicle/core';
import { createSqliteEventStore } from '@chronicle/sqlite';
import Database from 'better-sqlite3';

type Deposit = AggregateEvent<'Deposited', { amount: number }>;
type Balance = { balance: number; deposits: number };

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

/** The hand-written catch-up: pages of the log, one transaction per page, documents and checkpoint. */
function baseline(file: string, table: string): { events: number; ms: number } {
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
  const apply = db.transaction((rows: { position: number; id: string; data: string }[]) => {
    for (const row of rows) {
      const json = get.get(row.id) as string | undefined;
      const current = json === undefined ? undefined : (JSON.parse(json) as Balance);
      const amount = (JSON.parse(row.data) as { amount: number }).amount;
      put.run(
        row.id,
        JSON.stringify({ balance: (current?.balance ?? 0) + amount, deposits: (current?.deposits ?? 0) + 1 }),
      );
    }
    checkpoint.run(rows.at(-1)!.position);
  });
  const t0 = performance.now();
  let events = 0;
  for (let after = 0; ; ) {
    const rows = page.all(after) as { position: number; id: string; data: string }[];
    if (rows.length === 0) break;
    apply(rows);
    events += rows.length;
    after = rows.at(-1)!.position;
  }
  const ms = performance.now() - t0;
  db.close();
  return { events, ms };
}

async function main() {
  const events = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(os.tmpdir(), 'chronicle-projection-bench-'));
  const file = join(dir, 'bench.db');
  try {
    const store = createSqliteEventStore({ filename: file });
    const expected = new Map<string, number>();
    for (let i = 0; i < events; i += 1000) {
      const id = `acc-${(i / 1000) % ACCOUNTS}`;
      const batch = Array.from({ length: Math.min(1000, events - i) }, (_, k) => ({
        eventType: 'Deposited',
        eventData: { amount: (i + k) % 7 },
      }));
      await store.append({ aggregateType: 'Account', aggregateId: id }, 'any', batch);
      expected.set(id, (expected.get(id) ?? 0) + batch.reduce((sum, e) => sum + e.eventData.amount, 0));
    }
    const head = BigInt(events);
    const verify = async (what: string) => {
      const docs = readDocuments<Balance>(store, 'balances', 'accounts');
      for (const [id, balance] of expected) {
        const doc = await docs.get(id);
        if (doc?.balance !== balance)
          throw new Error(`${what}: ${id} has ${doc?.balance}, expected ${balance}`);
      }
    };

    const base1 = baseline(file, 'baseline_async');
    let t0 = performance.now();
    const processor = startProjection(store, balances(1), { batchSize: BATCH });
    await processor.whenProcessed(head, { timeoutMs: 600_000 });
    const asyncMs = performance.now() - t0;
    await processor.stop();
    await verify('async');

    const base2 = baseline(file, 'baseline_rebuild');
    t0 = performance.now();
    await rebuildProjection(store, balances(2), { batchSize: BATCH });
    const rebuildMs = performance.now() - t0;
    await verify('rebuild');
    await store.close();

    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
    const line = (id: string, name: string, ms: number, base: { events: number; ms: number }) =>
      `${id} ${name}: ${rate(events, ms)} events/s, baseline ${rate(base.events, base.ms)} events/s, ratio ${(base.ms / ms).toFixed(2)}x`;
    process.stdout.write(
      `SQLite (file, WAL, synchronous=FULL), ${events} events over ${ACCOUNTS} accounts, batches of ${BATCH}\n` +
        `${line('W12', 'async projection catch-up', asyncMs, base1)}\n` +
        `${line('W13', 'rebuild of a new version', rebuildMs, base2)}\n` +
        `load average (1/5/15 min): ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join('/')}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
