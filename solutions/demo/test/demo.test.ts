import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The demo as `pnpm demo` runs it: a real node process through tsx, writing a real SQLite file.
const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../src/main.ts');
const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

const runDemo = (db: string) => {
  const { FORCE_COLOR: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--import', TSX_LOADER, MAIN, '--db', db], {
    env: { ...env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

interface EventRow {
  position: number;
  aggregate_type: string;
  aggregate_id: string;
  version: number;
  event_type: string;
  schema_version: number;
  event_data: string;
}

let dir: string;
let db: string;
let first: ReturnType<typeof runDemo>;
let second: ReturnType<typeof runDemo>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chronicle-demo-'));
  db = join(dir, 'demo.db');
  first = runDemo(db);
  // Run again on the same path: it must start afresh, not pile onto the first run's events.
  second = runDemo(db);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readEvents = (): EventRow[] => {
  const database = new Database(db, { readonly: true });
  try {
    return database.prepare('SELECT * FROM events ORDER BY position').all() as EventRow[];
  } finally {
    database.close();
  }
};
const stream = (rows: EventRow[], type: string, id: string) =>
  rows.filter((row) => row.aggregate_type === type && row.aggregate_id === id);

describe('pnpm demo', () => {
  test('runs cleanly twice, printing the file it wrote and how to inspect it', () => {
    for (const run of [first, second]) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Database file: ${db}`);
      expect(run.stdout).toContain(`sqlite3 ${db} "SELECT position, aggregate_type`);
      expect(run.stdout).toContain(`pnpm workshop inspect --db ${db}`);
      expect(run.stdout).not.toContain('\u001b[');
    }
    expect(second.stdout).toContain('16 events in 3 streams');
  });

  test('the order is created and confirmed: three events in one stream, in version order', () => {
    expect(first.stdout).toMatch(/Order order-1001 is confirmed at version 3/);
    const order = stream(readEvents(), 'Order', 'order-1001');
    expect(order.map((row) => [row.version, row.event_type])).toEqual([
      [1, 'OrderCreated'],
      [2, 'OrderItemAdded'],
      [3, 'OrderConfirmed'],
    ]);
    expect(JSON.parse(order[2]?.event_data ?? '{}')).toMatchObject({ totalAmount: 8096, currency: 'EUR' });
  });

  test('the overdraft is refused and leaves no event; the collision is retried and both deposits count', () => {
    expect(first.stdout).toContain(
      '✗ withdraw 50.00 refused (InsufficientFundsError): the balance is only 35.00',
    );
    expect(first.stdout, 'one unit in the story: amounts as 25.00, never cents').not.toMatch(/\bcents\b/);
    expect(first.stdout).toContain('nothing was written: the stream is still at version 3');
    expect(first.stdout).toContain(
      'ConcurrencyError: Stream BankAccount/acc-ada: expected version 4, but the current version is 5',
    );
    expect(first.stdout).toMatch(/withRetry: attempt 1 conflicted/);
    expect(first.stdout).toContain('writer B, attempt 2: loaded version 5');
    expect(first.stdout).toContain('→ balance 27.00: both deposits count');
    const account = stream(readEvents(), 'BankAccount', 'acc-ada');
    expect(account.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const amounts = account.map((row) => [row.event_type, JSON.parse(row.event_data).amount ?? null]);
    expect(amounts.slice(0, 6)).toEqual([
      ['AccountOpened', null],
      ['MoneyDeposited', 2500],
      ['MoneyDeposited', 1000],
      ['MoneyWithdrawn', 2000],
      ['MoneyDeposited', 500],
      ['MoneyDeposited', 700],
    ]);
    expect(amounts).not.toContainEqual(['MoneyWithdrawn', 5000]);
  });

  test('a snapshot is stored at version 10 and the load reads only the events after it', () => {
    expect(first.stdout).toContain('snapshot saved at version 10');
    expect(first.stdout).toContain(
      'load: snapshot at version 10 + 2 event(s) after it (getEvents from version 10) instead of all 12',
    );
    expect(first.stdout).toContain('→ balance 48.00, the same as replaying every event (48.00)');
    const database = new Database(db, { readonly: true });
    const snapshots = database.prepare('SELECT aggregate_id, version, state FROM snapshots').all() as Array<{
      aggregate_id: string;
      version: number;
      state: string;
    }>;
    database.close();
    expect(snapshots).toEqual([{ aggregate_id: 'acc-ada', version: 10, state: expect.any(String) }]);
    expect(JSON.parse(snapshots[0]?.state ?? '{}')).toEqual({ owner: 'Ada', balance: 3700 });
  });

  test('the V1 event stays V1 in the file and reads back as V2', () => {
    const [old] = stream(readEvents(), 'Order', 'order-0042');
    expect(old?.schema_version).toBe(1);
    expect(JSON.parse(old?.event_data ?? '{}')).toEqual({
      customerId: 'cust-7',
      items: [{ productId: 'book-ddd', quantity: 2 }],
    });
    expect(first.stdout).toContain('read back:    schemaVersion 2');
    // Chapter 6: the read model, wrong in version 1, rebuilt right in version 2.
    expect(first.stdout).toContain("query balances.get('acc-ada'): Ada, 88.00");
    expect(first.stdout).toContain('rebuild v2 beside v1: 16/16 positions, switched atomically');
    expect(first.stdout).toContain('→ the same query now reads 48.00');
    expect(first.stdout).toContain('"pricePerUnit":0,"currency":"USD"');
    expect(first.stdout).toMatch(/16 +Order\/order-0042 +1 +OrderCreated +1→2 +customer cust-7/);
  });
});
