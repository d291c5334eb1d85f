/**
 * Setup file of every PostgreSQL test file: takes turns on the server between files that run in
 * parallel workers.
 *
 * Why: the store returns only events below the read horizon, the oldest transaction still running
 * anywhere on the cluster (`docs/postgres.md`, "Ordering"). A file that deliberately holds a
 * transaction open or saturates the server (listed in {@link EXCLUSIVE_FILES}) therefore holds back
 * every other file's reads: a `readAll` right after an append waits up to `inFlightWaitMs` and then,
 * as documented, returns what lies below the horizon — less than a test just wrote. So those files
 * run alone: each takes a session-level advisory lock exclusively for its whole run, every other file
 * takes it shared (they still run in parallel with each other). PostgreSQL queues a shared request
 * behind a waiting exclusive one, so no file starves.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject } from 'vitest';

/** Files that hold transactions open on purpose, kill backends, or run the server flat out. */
export const EXCLUSIVE_FILES = [
  'faults.int.test.ts',
  'filtered-read-all.int.test.ts',
  'hot-stream.int.test.ts',
  'migration-kills.int.test.ts',
  'observability.int.test.ts',
  'ordering.int.test.ts',
  'position-blocks.int.test.ts',
  'subscriptions.int.test.ts',
];

// Advisory-lock key of the turns ('CHRT'): the test suite's alone, no store uses it.
const TURNS_LOCK = 0x43485254;
// A file may wait for every exclusive file before it (hot-stream alone runs 40 s).
const WAIT_MS = 10 * 60_000;

const { url } = inject('chroniclePostgres');
const file = path.basename(expect.getState().testPath ?? '');
const exclusive = EXCLUSIVE_FILES.includes(file);
let holder: pg.Client | undefined;

beforeAll(async () => {
  if (url === null) return; // no server: the file's tests skip themselves, with their reason
  holder = new pg.Client({ connectionString: url });
  holder.on('error', () => {});
  await holder.connect();
  await holder.query(exclusive ? 'SELECT pg_advisory_lock($1)' : 'SELECT pg_advisory_lock_shared($1)', [
    TURNS_LOCK,
  ]);
}, WAIT_MS);

afterAll(async () => {
  // Ending the session releases the lock.
  await holder?.end();
});
