// C8 for async projections with real processes on PostgreSQL: a projection killed with SIGKILL at
// random points, again and again, ends with documents equal to the pure fold of the log, every event
// applied exactly once (its documents and its checkpoint commit in one transaction).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describePostgres, target, useStores } from './support/postgres';

/** 25 kills behind CHRONICLE_SOAK=1, a real handful in CI. */
const KILLS = process.env.CHRONICLE_SOAK === '1' ? 25 : 4;
const ACCOUNTS = 7;
/** Enough that no child catches up before its kill (every kill lands during the run). */
const EVENTS = process.env.CHRONICLE_SOAK === '1' ? 4000 : 3000;
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the projection child; `line(text)` resolves when it prints that line. */
function startChild(args: Record<string, unknown>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/projection-child.ts', JSON.stringify(args)],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  const listeners: (() => void)[] = [];
  child.stdout.on('data', (chunk) => {
    output += chunk;
    for (const listener of listeners.splice(0)) listener();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_, signal) => resolve(signal)),
  );
  const line = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (output.split('\n').includes(text)) resolve();
        else listeners.push(check);
      };
      check();
      void exited.then(() =>
        output.split('\n').includes(text) ? resolve() : reject(new Error(`exited before ${text}`)),
      );
    });
  return { child, exited, line };
}

describePostgres('an async projection killed with SIGKILL during its batches (real processes)', () => {
  const stores = useStores('projsql_crash');

  it(`ends, after ${KILLS} kills, with the pure fold of the log: every event applied exactly once`, async () => {
    const store = stores.create();
    await store.migrate();
    const fold = new Map<string, { total: number; positions: string[] }>();
    for (let i = 0; i < EVENTS; i += 10) {
      const account = `a-${(i / 10) % ACCOUNTS}`;
      const events = Array.from({ length: 10 }, (_, j) => ({
        eventType: 'Deposited',
        eventData: { amount: i + j + 1 },
      }));
      const result = await store.append({ aggregateType: 'Account', aggregateId: account }, 'any', events);
      const state = fold.get(account) ?? { total: 0, positions: [] };
      events.forEach((event, j) => {
        state.total += event.eventData.amount;
        state.positions.push(String(result.firstPosition + BigInt(j)));
      });
      fold.set(account, state);
    }
    const args = { url: target.url, schema: store.schema, id: 'projection:balances:1', batchSize: 25 };
    let killed = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const { child, exited, line } = startChild(args);
      await Promise.race([line('batch'), exited]);
      await sleep(Math.random() * 20);
      child.kill('SIGKILL');
      if ((await exited) === 'SIGKILL') killed++;
    }
    const last = startChild(args);
    await last.line('caught-up');
    await last.exited;

    const { rows } = await stores.pool.query(
      `SELECT id, data FROM "${store.schema}".projection_documents WHERE projection = 'balances' AND version = 1`,
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.data]))).toEqual(Object.fromEntries(fold));
    const [checkpoint] = (await stores.pool.query(`SELECT position::text FROM "${store.schema}".checkpoints`))
      .rows;
    const head = (await store.getAllEvents()).at(-1)!.position;
    expect(checkpoint.position).toBe(String(head));
    expect(killed).toBe(KILLS);
  }, 120_000);
});
