import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConcurrencyError, InvalidArgumentError, isConcurrencyError } from '@chronicle/core';
import { startChild } from '@chronicle/exercise-support';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MyEventStore } from '#exercise/02-my-event-store';

const dir = mkdtempSync(join(tmpdir(), 'chronicle-exercise-02-append-'));
const connections: Database.Database[] = [];
afterEach(() => {
  for (const db of connections.splice(0)) db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new connection to a database file (the same file when `filename` is given). */
function connect(filename = join(dir, `${randomUUID()}.sqlite`)): {
  db: Database.Database;
  filename: string;
} {
  const db = new Database(filename);
  connections.push(db);
  return { db, filename };
}

const deposit = (amount: number) => ({ eventType: 'MoneyDeposited', eventData: { amount } });

describe('02-append: MyEventStore', () => {
  it('appends to a new stream at expected version 0, numbering the events 1, 2, 3', async () => {
    const store = new MyEventStore(connect().db);
    const occurredAt = new Date('2026-01-02T03:04:05.678Z');
    const version = await store.append('BankAccount', 'acc-1', 0, [
      {
        eventType: 'AccountOpened',
        eventData: { owner: 'Ada' },
        eventId: 'evt-1',
        occurredAt,
        userId: 'u-1',
      },
      deposit(100),
      deposit(250),
    ]);
    expect(
      version,
      'append returns the new version of the stream: 3 after three events on a new stream',
    ).toBe(3);
    const events = await store.getEvents('acc-1');
    expect(
      events.map((e) => [e.version, e.eventType, e.eventData]),
      'getEvents returns the events in version order, numbered 1, 2, 3, with their type and data',
    ).toEqual([
      [1, 'AccountOpened', { owner: 'Ada' }],
      [2, 'MoneyDeposited', { amount: 100 }],
      [3, 'MoneyDeposited', { amount: 250 }],
    ]);
    expect(
      events[0],
      'a stored event keeps the id, stream, type, time and user it was appended with',
    ).toMatchObject({
      eventId: 'evt-1',
      aggregateId: 'acc-1',
      aggregateType: 'BankAccount',
      occurredAt,
      userId: 'u-1',
    });
    expect(
      events[0]?.occurredAt,
      'occurredAt comes back as a Date (store it as milliseconds, turn it back with new Date(ms))',
    ).toBeInstanceOf(Date);
    // Ids not given are generated, and unique.
    expect(
      new Set(events.map((e) => e.eventId)).size,
      'every event gets its own id: generate one (randomUUID) when the event brings none',
    ).toBe(3);
    expect(await store.getVersion('acc-1'), 'getVersion is the version of the last event: 3').toBe(3);
  });

  it('continues a stream from its current version and reads from a version on', async () => {
    const store = new MyEventStore(connect().db);
    await store.append('BankAccount', 'acc-1', 0, [deposit(1), deposit(2)]);
    expect(
      await store.append('BankAccount', 'acc-1', 2, [deposit(3)]),
      'appending at the current version (2) succeeds and returns the new one (3)',
    ).toBe(3);
    const later = await store.getEvents('acc-1', 1);
    expect(
      later.map((e) => e.version),
      'getEvents(id, 1) returns only the events after version 1',
    ).toEqual([2, 3]);
    expect(
      await store.getEvents('acc-1', 3),
      'getEvents(id, 3) on a stream at version 3 returns nothing',
    ).toEqual([]);
  });

  it('keeps streams apart and reads an unknown stream as empty, at version 0', async () => {
    const store = new MyEventStore(connect().db);
    await store.append('BankAccount', 'acc-1', 0, [deposit(1)]);
    await store.append('BankAccount', 'acc-2', 0, [deposit(2), deposit(3)]);
    expect(
      (await store.getEvents('acc-1')).map((e) => e.eventData),
      "acc-1 holds only its own event, not acc-2's",
    ).toEqual([{ amount: 1 }]);
    expect(await store.getEvents('nobody'), 'a stream nobody wrote to reads as empty').toEqual([]);
    expect(await store.getVersion('nobody'), 'a stream nobody wrote to is at version 0').toBe(0);
  });

  it('rejects a stale expected version with ConcurrencyError, writing nothing', async () => {
    const store = new MyEventStore(connect().db);
    await store.append('BankAccount', 'acc-1', 0, [deposit(1), deposit(2)]);
    const stale = store.append('BankAccount', 'acc-1', 1, [deposit(99)]);
    await expect(
      stale,
      'appending at version 1 to a stream at version 2 must throw ConcurrencyError',
    ).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(
      stale,
      'the ConcurrencyError says what you expected (1) and what the stream is at (2)',
    ).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    // An expected version from the future is just as wrong.
    await expect(
      store.append('BankAccount', 'acc-1', 5, [deposit(99)]),
      'an expected version beyond the stream (5) is stale too, and says the stream is at 2',
    ).rejects.toMatchObject({
      actualVersion: 2,
    });
    // A new stream is at 0, not 1.
    await expect(
      store.append('BankAccount', 'acc-new', 1, [deposit(99)]),
      'a new stream is at version 0: appending there at 1 must throw ConcurrencyError',
    ).rejects.toSatisfy(isConcurrencyError);
    expect(
      (await store.getEvents('acc-1')).map((e) => e.eventData),
      'a refused append writes nothing: acc-1 still holds its two events',
    ).toEqual([{ amount: 1 }, { amount: 2 }]);
    expect(await store.getEvents('acc-new'), 'a refused append to a new stream leaves it empty').toEqual([]);
  });

  it('stores a batch all or nothing', async () => {
    const store = new MyEventStore(connect().db);
    await store.append('BankAccount', 'acc-1', 0, [{ ...deposit(1), eventId: 'taken' }]);
    // The second event reuses a stored id: the database refuses it, and the first must not stay behind.
    await expect(
      store.append('BankAccount', 'acc-1', 1, [deposit(2), { ...deposit(3), eventId: 'taken' }]),
      'a batch whose second event reuses a stored event id must fail',
    ).rejects.toThrow();
    expect(
      await store.getVersion('acc-1'),
      'a failed batch writes nothing: the first event of it must not stay behind (one transaction)',
    ).toBe(1);
    expect(
      await store.getEvents('acc-1'),
      'after the failed batch, acc-1 still holds its one event',
    ).toHaveLength(1);
  });

  it('refuses an expected version that is not an integer >= 0 (InvalidArgumentError), writing nothing', async () => {
    const store = new MyEventStore(connect().db);
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(
        store.append('BankAccount', 'acc-1', bad, [deposit(1)]),
        `expected version ${bad} must be refused with InvalidArgumentError: it must be an integer >= 0`,
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(await store.getEvents('acc-1'), 'a refused append writes nothing').toEqual([]);
  });

  it('lets exactly one of two connections win when both append at the same expected version', async () => {
    const first = connect();
    const second = connect(first.filename);
    const storeA = new MyEventStore(first.db);
    const storeB = new MyEventStore(second.db);
    await storeA.append('BankAccount', 'acc-1', 0, [deposit(1)]);
    // Started together: neither append may slip in between the other's version check and insert.
    const results = await Promise.allSettled([
      storeA.append('BankAccount', 'acc-1', 1, [deposit(10)]),
      storeB.append('BankAccount', 'acc-1', 1, [deposit(20)]),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won, 'of two appends at the same expected version, exactly one must succeed').toHaveLength(1);
    expect(lost, 'of two appends at the same expected version, exactly one must fail').toHaveLength(1);
    expect(
      lost[0],
      'the loser must get a ConcurrencyError (not SQLITE_BUSY or a UNIQUE error): take the write lock before reading the version (BEGIN IMMEDIATE)',
    ).toBeInstanceOf(ConcurrencyError);
    expect(
      lost[0],
      "the loser's ConcurrencyError says it expected 1 while the stream was at 2",
    ).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect(
      await storeB.getVersion('acc-1'),
      'after the race the stream is at version 2: one event was added, not two',
    ).toBe(2);
  });

  it('keeps versions gapless and unique when two processes append to one stream at once', async () => {
    const { filename } = connect();
    const rounds = 10;
    const script = fileURLToPath(new URL('./support/append-race-child.ts', import.meta.url));
    const children = [1, 2].map((child) =>
      startChild(script, { filename, aggregateId: 'shared', child, rounds }),
    );
    try {
      await Promise.all(children.map((c) => c.next('ready')));
      for (const c of children) c.send({ type: 'go' });
      const reports = await Promise.all(children.map((c) => c.next('done')));
      for (const report of reports) {
        expect(report.errors, 'a losing append must fail with ConcurrencyError, nothing else').toEqual([]);
        expect(
          report.appended,
          'each process must have appended all its events (retrying after each conflict)',
        ).toBe(rounds);
      }
      const store = new MyEventStore(connect(filename).db);
      const events = await store.getEvents('shared');
      expect(
        events.map((e) => e.version),
        'versions are 1, 2, 3, ... with no gap and no repeat, whichever process wrote them',
      ).toEqual(Array.from({ length: 2 * rounds }, (_, i) => i + 1));
    } finally {
      for (const c of children) c.process.kill();
    }
  });

  it('waits for a writer that holds the lock, then sees its event: ConcurrencyError, never a stale check', async () => {
    // The lesson's SELECT MAX, then INSERT reads the version before taking the write lock. Here a
    // writer holds the lock with an uncommitted event at version 2 while another process appends at
    // expected version 1: a store that reads first decides on version 1, then fails on the lock or
    // on the UNIQUE constraint. A store that locks first waits, reads 2, and reports the conflict.
    const { db: holder, filename } = connect();
    const holderStore = new MyEventStore(holder);
    await holderStore.append('Counter', 'locked', 0, [{ eventType: 'Ticked', eventData: { n: 1 } }]);
    const script = fileURLToPath(new URL('./support/append-race-child.ts', import.meta.url));
    const child = startChild(script, {
      mode: 'once',
      filename,
      aggregateId: 'locked',
      child: 2,
      expectedVersion: 1,
    });
    try {
      await child.next('ready');
      holder.exec('BEGIN IMMEDIATE');
      // Inside an open transaction better-sqlite3 nests db.transaction() as a savepoint: this event
      // stays uncommitted, and the write lock stays held, until COMMIT below.
      await holderStore.append('Counter', 'locked', 1, [{ eventType: 'Ticked', eventData: { n: 2 } }]);
      child.send({ type: 'go' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      holder.exec('COMMIT');
      const report = await child.next('done');
      expect(
        report.error,
        `the second writer must get a ConcurrencyError, got ${JSON.stringify(report)}`,
      ).toMatchObject({
        concurrency: true,
        actualVersion: 2,
      });
      const events = await holderStore.getEvents('locked');
      expect(
        events.map((e) => e.eventData),
        'both events are stored, the held one included, and the second writer added nothing',
      ).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      child.process.kill();
    }
  });
});
