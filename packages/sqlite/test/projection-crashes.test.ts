// C8 for async projections with real processes on one SQLite file: a projection killed with SIGKILL
// at random points, again and again, ends with documents equal to the pure fold of the log, every
// event applied exactly once (its documents and its checkpoint commit in one transaction).
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { startChild } from './support/child-process';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('projection-crashes');
afterAll(() => temp.cleanup());

/** 25 kills behind CHRONICLE_SOAK=1, a real handful in CI. */
const KILLS = process.env.CHRONICLE_SOAK === '1' ? 25 : 4;
const ACCOUNTS = 7;
/** Enough that no child catches up before its kill (every kill lands during the run). */
const EVENTS = process.env.CHRONICLE_SOAK === '1' ? 4000 : 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an async projection killed with SIGKILL during its batches (real processes)', () => {
  it(`ends, after ${KILLS} kills, with the pure fold of the log: every event applied exactly once`, async () => {
    const filename = temp.file();
    const store = createSqliteEventStore({ filename });
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
    await store.close();

    const id = 'projection:balances:1';
    let killedMidBatch = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startChild('run', { filename, id, batchSize: 25 }, 'projection-child.ts');
      // Somewhere in the first batches: after start-up (~300 ms under tsx), at a random moment.
      await Promise.race([child.next('batch'), child.exited]);
      await sleep(Math.random() * 15);
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      if (signal === 'SIGKILL') killedMidBatch++;
    }
    const last = startChild('run', { filename, id, batchSize: 25 }, 'projection-child.ts');
    await last.next('caught-up');
    await last.exited;

    const raw = new Database(filename, { readonly: true });
    const documents = raw
      .prepare(`SELECT id, data FROM projection_documents WHERE projection = 'balances' AND version = 1`)
      .all() as { id: string; data: string }[];
    const checkpoint = raw.prepare('SELECT position FROM checkpoints WHERE processor_id = ?').get(id) as {
      position: number;
    };
    const head = raw.prepare('SELECT max(position) AS head FROM events').get() as { head: number };
    raw.close();
    expect(Object.fromEntries(documents.map((row) => [row.id, JSON.parse(row.data)]))).toEqual(
      Object.fromEntries(fold),
    );
    expect(checkpoint.position).toBe(head.head);
    expect(killedMidBatch).toBe(KILLS);
  }, 120_000);
});
