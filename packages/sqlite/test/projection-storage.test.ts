import { executionAsyncId } from 'node:async_hooks';
import {
  type AggregateEvent,
  defineProjection,
  isCheckpointConflictError,
  isConcurrencyError,
  isProjectionError,
  isStoreUnavailableError,
  type ProjectionDefinition,
  type StoreUnavailableError,
} from '@chronicle/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('projection-storage');
afterAll(() => temp.cleanup());

type AccountEvent = AggregateEvent<'Deposited', { amount: number }>;
type Balance = { total: number; version: number };
const stream = { aggregateType: 'Account', aggregateId: 'a-1' };
const at = { projection: 'balances', version: 1, collection: 'balances' };
const deposit = (amount: number, eventId?: string) => [
  { eventType: 'Deposited', eventData: { amount }, ...(eventId && { eventId }) },
];

/** Counts the events each run of its handler saw, so a test can tell a repeat from a skip. */
function balances(seen: string[] = [], failOn?: number): ProjectionDefinition {
  return defineProjection<AccountEvent>({
    name: 'balances',
    version: 1,
    handlers: {
      async Deposited(event, { documents, raw }) {
        seen.push(event.eventId);
        const collection = documents<Balance>('balances');
        const current = await collection.get(event.aggregateId);
        await collection.put(event.aggregateId, {
          total: (current?.total ?? 0) + event.eventData.amount,
          version: event.version,
        });
        // The raw escape hatch is the connection inside the same transaction.
        (raw as { exec(sql: string): void }).exec(
          `CREATE TABLE IF NOT EXISTS audit (position INTEGER); INSERT INTO audit VALUES (${event.position})`,
        );
        if (event.eventData.amount === failOn) throw new Error('projection bug');
      },
    },
  }) as unknown as ProjectionDefinition;
}

const stored = async (store: ReturnType<typeof createSqliteEventStore>) => {
  const json = await store.projections.documents.get(at, 'a-1');
  return json === undefined ? undefined : (JSON.parse(json) as Balance);
};

describe('inline projections on SQLite', () => {
  it('commit with the append; a throwing handler leaves neither event, document nor raw write', async () => {
    const store = createSqliteEventStore({
      filename: temp.file(),
      inlineProjections: [balances([], 13)],
    });
    await store.append(stream, 0, deposit(5));
    await store.append(stream, 1, deposit(7));
    expect(await stored(store)).toEqual({ total: 12, version: 2 });
    const failed = await store.append(stream, 2, deposit(13)).catch((error: unknown) => error);
    expect(failed).toSatisfy(isProjectionError);
    expect(await store.getStreamVersion(stream)).toBe(2);
    expect(await stored(store)).toEqual({ total: 12, version: 2 });
    expect(store.database.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 2 });
    await store.close();
  });

  it('a repeated append answers as before and applies nothing; a refused one neither', async () => {
    const seen: string[] = [];
    const store = createSqliteEventStore({ filename: temp.file(), inlineProjections: [balances(seen)] });
    const first = await store.append(stream, 0, deposit(5, 'e-1'));
    expect(await store.append(stream, 0, deposit(5, 'e-1'))).toEqual(first);
    expect(await store.append(stream, 'any', deposit(5, 'e-1'))).toEqual(first);
    await expect(store.append(stream, 0, deposit(5, 'e-2'))).rejects.toSatisfy(isConcurrencyError);
    expect(seen).toEqual(['e-1']);
    expect(await stored(store)).toEqual({ total: 5, version: 1 });
    await store.close();
  });

  it('reads, appends and checkpoint calls wait while a handler awaits inside its transaction', async () => {
    const filename = temp.file();
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const slow = defineProjection<AccountEvent>({
      name: 'slow',
      version: 1,
      handlers: {
        async Deposited(event, { documents }) {
          await documents('marks').put(event.eventId, { at: event.version });
          entered();
          await paused;
        },
      },
    });
    const store = createSqliteEventStore({
      filename,
      inlineProjections: [slow as unknown as ProjectionDefinition],
    });
    const appending = store.append(stream, 0, deposit(1));
    await inside;
    // Issued while the append's transaction is open: none may see it, none may fail on it.
    const order: string[] = [];
    const reads = [
      store.getStreamVersion(stream).then((version) => order.push(`version ${version}`)),
      store
        .append({ aggregateType: 'Account', aggregateId: 'a-2' }, 0, deposit(2))
        .then(() => order.push('append')),
      store.checkpoints.load('nobody').then(() => order.push('checkpoint')),
    ];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    release();
    await appending;
    await Promise.all(reads);
    expect(order).toContain('version 1');
    await store.close();
  });
});

describe('the connection gate on SQLite', () => {
  /** A store with one event, and a documents transaction held open until `release()`. */
  async function heldOpen(busyTimeoutMs = 5_000) {
    const store = createSqliteEventStore({ filename: temp.file(), busyTimeoutMs });
    await store.append(stream, 0, deposit(1));
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = store.projections.transaction(async (tx) => {
      await tx.documents.put(at, 'a-1', JSON.stringify({ total: 99, version: 1 }));
      await tx.saveCheckpoint('p', 1n, { expected: undefined });
      entered();
      await paused;
    });
    await inside;
    return { store, release, transaction };
  }

  it('log reads go on while a documents transaction is open; its documents and checkpoint wait', async () => {
    const { store, release, transaction } = await heldOpen();
    const order: string[] = [];
    const waiting = [
      store.projections.documents.get(at, 'a-1').then((json) => order.push(`document ${json}`)),
      store.checkpoints.load('p').then((checkpoint) => order.push(`checkpoint ${checkpoint?.position}`)),
    ];
    // The log is as committed: the transaction writes no events, and its write lock keeps others out.
    expect(await store.getStreamVersion(stream)).toBe(1);
    expect((await store.getAllEvents()).map((event) => event.position)).toEqual([1n]);
    expect(order).toEqual([]);
    release();
    await transaction;
    await Promise.all(waiting);
    expect(order.sort()).toEqual(['checkpoint 1', `document ${JSON.stringify({ total: 99, version: 1 })}`]);
    await store.close();
  });

  it('projection transactions turn on no promise hooks (the application keeps its promise speed)', async () => {
    /** Promise continuations get async ids of their own only while promise hooks are on. */
    const continuationIds = async () => {
      await Promise.resolve();
      const first = executionAsyncId();
      await Promise.resolve();
      return [first, executionAsyncId()];
    };
    const [a, b] = await continuationIds();
    if (a !== b) return; // something else in this worker turned them on: nothing to tell here
    const store = createSqliteEventStore({ filename: temp.file(), inlineProjections: [balances()] });
    await store.append(stream, 0, deposit(5));
    await store.projections.transaction(async (tx) => {
      await tx.documents.put(at, 'a-2', '{"total":1}');
    });
    const [c, d] = await continuationIds();
    expect(c).toBe(d);
    await store.close();
  });

  it('a waiting read runs before the next transaction takes the connection, never inside it', async () => {
    const { store, release, transaction } = await heldOpen();
    // Queued first: the read; then a transaction that moves the checkpoint and stays open.
    const read = store.checkpoints.load('p');
    let releaseNext!: () => void;
    const next = store.projections.transaction(async (tx) => {
      await tx.saveCheckpoint('p', 2n, { expected: 1n });
      await new Promise<void>((resolve) => (releaseNext = resolve));
    });
    release();
    await transaction;
    // The read saw the committed checkpoint, not the one the next transaction has not committed.
    expect((await read)?.position).toBe(1n);
    releaseNext();
    await next;
    expect((await store.checkpoints.load('p'))?.position).toBe(2n);
    await store.close();
  });

  it('a call that waits beyond the busy timeout gets a retriable StoreUnavailableError, nothing written', async () => {
    const { store, release, transaction } = await heldOpen(50);
    const other = { aggregateType: 'Account', aggregateId: 'a-2' };
    // What a handler that calls the store instead of its context meets: it waits for its own transaction.
    const failed = await store.append(other, 0, deposit(2)).catch((error: unknown) => error);
    expect(failed).toSatisfy(isStoreUnavailableError);
    expect((failed as StoreUnavailableError).retriable).toBe(true);
    expect((failed as Error).message).toMatch(/held by a projection transaction/);
    release();
    await transaction;
    expect(await store.getStreamVersion(other)).toBe(0);
    await store.close();
  });
});

describe('async projection transactions on SQLite', () => {
  it('move the checkpoint and write the documents together, or neither; a stale lease writes nothing', async () => {
    const store = createSqliteEventStore({ filename: temp.file() });
    const { checkpoints, projections } = store;
    const id = 'projection:balances:1';
    const lease = (await checkpoints.claim(id, 'me', 10_000))!;
    const batch = (total: number, expected: bigint | undefined, through: bigint, use = lease) =>
      projections.transaction(async (tx) => {
        await tx.documents.put(at, 'a-1', JSON.stringify({ total, version: 1 }));
        await tx.saveCheckpoint(id, through, { expected, lease: use });
      });
    await batch(1, undefined, 10n);
    await expect(batch(2, 5n, 20n)).rejects.toSatisfy(isCheckpointConflictError);
    await checkpoints.release(lease);
    const taken = (await checkpoints.claim(id, 'other', 10_000))!;
    await expect(batch(3, 10n, 20n)).rejects.toSatisfy(isCheckpointConflictError);
    await expect(
      projections.transaction(async (tx) => {
        await tx.documents.put(at, 'a-1', JSON.stringify({ total: 4, version: 1 }));
        await tx.setVersionStatus('balances', 1, 'active');
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await stored(store)).toEqual({ total: 1, version: 1 });
    expect(await projections.versions('balances')).toEqual([]);
    await batch(5, 10n, 20n, taken);
    expect((await checkpoints.load(id))?.position).toBe(20n);
    expect(await stored(store)).toEqual({ total: 5, version: 1 });
    await store.close();
  });

  it('versions: building beside active, switched in one transaction; drop removes one version only', async () => {
    const store = createSqliteEventStore({ filename: temp.file() });
    const { projections } = store;
    await projections.transaction(async (tx) => {
      await tx.setVersionStatus('balances', 1, 'active');
      await tx.setVersionStatus('balances', 2, 'building');
      await tx.documents.put(at, 'x', '{"v":1}');
      await tx.documents.put({ ...at, version: 2 }, 'x', '{"v":2}');
    });
    expect(await projections.versions('balances')).toEqual([
      { name: 'balances', version: 1, status: 'active' },
      { name: 'balances', version: 2, status: 'building' },
    ]);
    await projections.transaction(async (tx) => {
      await tx.setVersionStatus('balances', 1, 'retired');
      await tx.setVersionStatus('balances', 2, 'active');
      await tx.documents.drop('balances', 1);
    });
    expect((await projections.versions('balances')).map((v) => v.status)).toEqual(['retired', 'active']);
    expect(await projections.documents.get(at, 'x')).toBeUndefined();
    expect(await projections.documents.get({ ...at, version: 2 }, 'x')).toBe('{"v":2}');
    await store.close();
  });
});
