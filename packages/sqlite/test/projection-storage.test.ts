import {
  type DomainEvent,
  isCheckpointConflictError,
  isConcurrencyError,
  type SubscribableEventStore,
} from '@chronicle/core';
import { prepareAppend } from '@chronicle/core/adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore, type SqliteEventStore } from '../src/index';
import { createSqliteProjectionStorage } from '../src/projection-storage';
import { prepareStatements } from '../src/sql/statements';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('projection-storage');
afterAll(() => temp.cleanup());

const scope = { projection: 'balances', version: 1 };
const stream = { aggregateType: 'Account', aggregateId: 'a-1' };

function open(store: SqliteEventStore = createSqliteEventStore({ filename: temp.file() })) {
  const run = <T>(operation: () => T): T => operation();
  const storage = createSqliteProjectionStorage(store.database, prepareStatements(store.database), run);
  return { store, storage };
}

const deposit = (amount: number, eventId?: string) =>
  prepareAppend(stream, 'any', [
    { eventType: 'Deposited', eventData: { amount }, ...(eventId && { eventId }) },
  ]);

/** The inline handler under test: a balance per account and the last position seen. */
function balanceOf(storage: ReturnType<typeof open>['storage']) {
  return async (events: readonly DomainEvent[], run: ReturnType<typeof storage.startRun>) => {
    const documents = run.session.documents(scope);
    for (const event of events) {
      const current = (await documents.get('balances', event.aggregateId)) as { total: number } | undefined;
      const { amount } = event.eventData as { amount: number };
      documents.put('balances', event.aggregateId, {
        total: (current?.total ?? 0) + amount,
        position: Number(event.position),
        version: event.version,
      });
    }
  };
}

const stored = async (storage: ReturnType<typeof open>['storage']) =>
  storage
    .committed(scope)
    .get('balances', 'a-1')
    .then((json) => json && JSON.parse(json));

describe('inline projections on SQLite', () => {
  it('commit with the append: the documents see the stored positions and versions', async () => {
    const { store, storage } = open();
    const project = balanceOf(storage);
    await storage.appendProjected(stream, 'any', deposit(5), project);
    const result = await storage.appendProjected(stream, 1, deposit(7), project);
    expect(await stored(storage)).toEqual({ total: 12, position: Number(result.lastPosition), version: 2 });
    await store.close();
  });

  it('a throwing handler leaves neither event nor document', async () => {
    const { store, storage } = open();
    await expect(
      storage.appendProjected(stream, 'any', deposit(5), async (_, run) => {
        run.session.documents(scope).put('balances', 'a-1', { total: 5 });
        throw new Error('projection bug');
      }),
    ).rejects.toThrow('projection bug');
    expect(await store.getStreamVersion(stream)).toBe(0);
    expect(await stored(storage)).toBeUndefined();
    await store.close();
  });

  it('another writer appending while the handler awaits makes the run repeat on the new head', async () => {
    const filename = temp.file();
    const { store, storage } = open(createSqliteEventStore({ filename }));
    const other = createSqliteEventStore({ filename });
    const { storage: otherStorage } = open(other);
    const project = balanceOf(storage);
    let interfered = false;
    await storage.appendProjected(stream, 'any', deposit(1), async (events, run) => {
      if (!interfered) {
        interfered = true;
        // Another process appends (with the projection) between the prediction and the commit.
        await otherStorage.appendProjected(stream, 'any', deposit(10), balanceOf(otherStorage));
      }
      await project(events, run);
    });
    expect(await stored(storage)).toMatchObject({ total: 11, version: 2 });
    await other.close();
    await store.close();
  });

  it('a repeated append runs no projection again; a refused one runs none', async () => {
    const { store, storage } = open();
    const project = balanceOf(storage);
    const first = await storage.appendProjected(stream, 0, deposit(5, 'e-1'), project);
    const projected: string[] = [];
    const counting = async (events: readonly DomainEvent[], run: ReturnType<typeof storage.startRun>) => {
      projected.push(...events.map((event) => event.eventId));
      await project(events, run);
    };
    expect(await storage.appendProjected(stream, 0, deposit(5, 'e-1'), counting)).toEqual(first);
    await expect(storage.appendProjected(stream, 0, deposit(5, 'e-2'), counting)).rejects.toSatisfy(
      isConcurrencyError,
    );
    expect(await stored(storage)).toMatchObject({ total: 5 });
    expect(projected).toEqual([]);
    await store.close();
  });
});

describe('async projection batches on SQLite', () => {
  it('move the checkpoint and write the documents together, or neither', async () => {
    const { store, storage } = open();
    const checkpoints = (store as SubscribableEventStore).checkpoints;
    const lease = (await checkpoints.claim('projection:balances:1', 'me', 10_000))!;
    const batch = (total: number) => {
      const run = storage.startRun();
      run.session.documents(scope).put('balances', 'a-1', { total });
      return run;
    };
    const checkpoint = { processorId: 'projection:balances:1', lease };
    storage.commitBatch(batch(1), { ...checkpoint, expected: undefined, through: 10n });
    expect(() => storage.commitBatch(batch(2), { ...checkpoint, expected: 5n, through: 20n })).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_CONFLICT' }),
    );
    const newer = (await checkpoints.claim('projection:balances:1', 'other', 10_000)) ?? lease;
    await checkpoints.release(newer);
    const taken = (await checkpoints.claim('projection:balances:1', 'other', 10_000))!;
    expect(taken.token).toBeGreaterThan(lease.token);
    let conflict: unknown;
    try {
      storage.commitBatch(batch(3), { ...checkpoint, expected: 10n, through: 20n });
    } catch (error) {
      conflict = error;
    }
    expect(conflict).toSatisfy(isCheckpointConflictError);
    expect(await stored(storage)).toEqual({ total: 1 });
    expect((await checkpoints.load('projection:balances:1'))?.position).toBe(10n);
    await store.close();
  });
});
