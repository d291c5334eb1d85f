import { type DomainEvent, isStoreUnavailableError } from '@chronicle/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, LATEST_SCHEMA_VERSION, MIGRATIONS_TABLE } from '../src/index';
import { startChild } from './support/child-process';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('multi-process');
afterAll(() => temp.cleanup());

const CHILDREN = 4;
const ROUNDS = 40;

interface RaceResult {
  wins: number[];
  conflicts: { expected: number; actual: number }[];
  errors: string[];
}

function integrityCheck(filename: string): unknown {
  const raw = new Database(filename, { readonly: true });
  try {
    return raw.pragma('integrity_check', { simple: true });
  } finally {
    raw.close();
  }
}

describe('several processes on one database file', () => {
  it('give exactly one winner per expected version and lose or double no event', async () => {
    const filename = temp.file('race');
    const total = ROUNDS + CHILDREN * ROUNDS + CHILDREN * ROUNDS * 2;
    const children = Array.from({ length: CHILDREN }, (_, child) =>
      startChild('race', { filename, child, rounds: ROUNDS }),
    );
    // A fifth process follows the log while the others write.
    const tailer = startChild('tail', { filename, total });
    await Promise.all([...children, tailer].map((c) => c.next('ready')));
    for (const c of [...children, tailer]) c.send({ type: 'go' });
    const results = (await Promise.all(children.map((c) => c.next('result')))) as unknown as RaceResult[];
    const tailed = (await tailer.next('result')) as unknown as {
      seen: { eventId: string; position: string }[];
      reads: number;
    };
    await Promise.all([...children, tailer].map((c) => c.exited));

    const totalConflicts = results.reduce((n, r) => n + r.conflicts.length, 0);
    console.info(
      `multi-process race: ${CHILDREN} writers, ${ROUNDS} versions, ${totalConflicts} conflicts; ` +
        `a tailing process followed ${tailed.seen.length} events in ${tailed.reads} polls`,
    );
    for (const result of results) {
      expect(result.errors).toEqual([]);
      // Every attempt either won or lost to a writer that got there first.
      expect(result.wins.length + result.conflicts.length).toBe(ROUNDS);
      for (const conflict of result.conflicts) expect(conflict.actual).toBeGreaterThan(conflict.expected);
    }
    const winners = results.flatMap((r, child) => r.wins.map((v) => ({ v, child })));
    expect(winners.map((w) => w.v).sort((a, b) => a - b)).toEqual(
      Array.from({ length: ROUNDS }, (_, v) => v),
    );

    const store = createSqliteEventStore({ filename });
    const shared = await store.getEvents('Race', 'shared');
    expect(shared.map((e) => e.version)).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
    for (const { v, child } of winners) expect(shared[v]!.eventId).toBe(`shared-${child}-${v}`);
    for (let child = 0; child < CHILDREN; child++) {
      expect(await store.getStreamVersion({ aggregateType: 'Own', aggregateId: `child-${child}` })).toBe(
        ROUNDS,
      );
    }
    const any = await store.getEvents('Race', 'any');
    expect(any.map((e) => e.version)).toEqual(Array.from({ length: CHILDREN * ROUNDS * 2 }, (_, i) => i + 1));
    expect(new Set(any.map((e) => e.eventId)).size).toBe(CHILDREN * ROUNDS * 2);
    // Each batch of two landed together.
    for (let i = 0; i < any.length; i += 2) {
      expect(any[i]!.eventId.replace(/-a$/, '')).toBe(any[i + 1]!.eventId.replace(/-b$/, ''));
    }

    const log: DomainEvent[] = [];
    for await (const event of store.readAll({ batchSize: 100 })) log.push(event);
    expect(log).toHaveLength(total);
    for (let i = 1; i < log.length; i++) expect(log[i]!.position).toBeGreaterThan(log[i - 1]!.position);
    // The reader that followed the log while it grew saw every event exactly once, in log order.
    expect(tailed.seen).toEqual(log.map((e) => ({ eventId: e.eventId, position: String(e.position) })));
    expect(store.database.prepare(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`).get()).toEqual({
      n: LATEST_SCHEMA_VERSION,
    });
    await store.close();
    expect(integrityCheck(filename)).toBe('ok');
  }, 60_000);

  it('keep no partial append when a writer is killed with SIGKILL in the middle of a large batch', async () => {
    const filename = temp.file('sigkill');
    const child = startChild('big-batch', { filename, size: 200_000 });
    await child.next('committed');
    const probe = new Database(filename);
    probe.pragma('busy_timeout = 0');
    child.send({ type: 'go' });
    // Wait until the child holds the write lock, i.e. is inside its append transaction.
    let holdsLock = false;
    const deadline = Date.now() + 30_000;
    while (!holdsLock && Date.now() < deadline) {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        await new Promise((resolve) => setTimeout(resolve, 2));
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        holdsLock = true;
      }
    }
    expect(holdsLock).toBe(true);
    // Let it write a good part of the batch into the write-ahead log first.
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.process.kill('SIGKILL');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    probe.close();

    const store = createSqliteEventStore({ filename });
    const stream = { aggregateType: 'Import', aggregateId: 'big' };
    expect(await store.getStreamVersion(stream)).toBe(3);
    expect(store.database.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 3 });
    // The dead writer's lock is gone: the stream takes the next append at version 3.
    await store.append(stream, 3, [{ eventType: 'Resumed', eventData: null }]);
    expect(await store.getStreamVersion(stream)).toBe(4);
    await store.close();
    expect(integrityCheck(filename)).toBe('ok');
  }, 60_000);

  it('report a lock held beyond the busy timeout as a retriable StoreUnavailableError, and recover', async () => {
    const filename = temp.file('locked');
    await createSqliteEventStore({ filename }).close();
    const holder = startChild('hold-lock', { filename });
    await holder.next('locked');

    // Opening a migrated file needs no write lock, and WAL readers are not blocked by the writer.
    const store = createSqliteEventStore({ filename, busyTimeoutMs: 200 });
    const stream = { aggregateType: 'Locked', aggregateId: 'l' };
    const started = Date.now();
    const error = await store
      .append(stream, 'no_stream', [{ eventType: 'T', eventData: 1, eventId: 'e-1' }])
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ retriable: true });
    expect(String(error)).toMatch(/locked .* busy timeout of 200 ms/);
    expect(await store.getStreamVersion(stream)).toBe(0);

    holder.send({ type: 'release' });
    await holder.next('released');
    await holder.exited;
    // Retrying the same append (same event id) is safe and now succeeds.
    const result = await store.append(stream, 'no_stream', [
      { eventType: 'T', eventData: 1, eventId: 'e-1' },
    ]);
    expect(result.nextExpectedVersion).toBe(1);
    await store.close();
    expect(integrityCheck(filename)).toBe('ok');
  }, 60_000);
});
