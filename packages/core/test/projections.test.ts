/**
 * Projections on the in-memory store: the typed definition and its validation, inline projections
 * committing with the append, async projections, rebuilds. The portable properties are in the
 * conformance sub-suites `projections` and `documents`.
 */
import { describe, expect, it } from 'vitest';
import {
  type AggregateEvent,
  createInMemoryEventStore,
  defineProjection,
  isInvalidArgumentError,
  isProjectionError,
  type JsonDocument,
  readDocuments,
  rebuildProjection,
  startProjection,
} from '../src/index';

type AccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string }>
  | AggregateEvent<'MoneyDeposited', { amount: number }>;
type Balance = { owner: string; balance: number };

const balances = (version = 1, factor = 1) =>
  defineProjection<AccountEvent>({
    name: 'balances',
    version,
    handlers: {
      AccountOpened: (event, { documents }) =>
        documents<Balance>('balances').put(event.aggregateId, { owner: event.eventData.owner, balance: 0 }),
      MoneyDeposited: async (event, { documents }) => {
        const docs = documents<Balance>('balances');
        const current = await docs.get(event.aggregateId);
        if (event.eventData.amount < 0) throw new Error('negative deposit');
        await docs.patch(event.aggregateId, {
          balance: (current?.balance ?? 0) + factor * event.eventData.amount,
        });
      },
    },
  });
const acc = (id: string) => ({ aggregateType: 'Account', aggregateId: id });

describe('projections (in memory)', () => {
  it('inline: documents commit with the append; a throwing handler leaves neither event nor document', async () => {
    const store = createInMemoryEventStore({ inlineProjections: [balances()] });
    await store.append(acc('a'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 5 } },
    ]);
    const read = readDocuments<Balance>(store, 'balances', 'balances');
    expect(await read.get('a')).toEqual({ owner: 'Ada', balance: 5 });
    const error = await store
      .append(acc('a'), 2, [
        { eventType: 'MoneyDeposited', eventData: { amount: 1 } },
        { eventType: 'MoneyDeposited', eventData: { amount: -1 } },
      ])
      .catch((e: unknown) => e);
    expect(isProjectionError(error)).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(store.size).toBe(2);
    expect(await read.get('a')).toEqual({ owner: 'Ada', balance: 5 });
  });

  it("within one batch, every read is a fresh copy and sees the batch's own writes and deletes", async () => {
    const seen: unknown[] = [];
    const ledger = defineProjection<AccountEvent>({
      name: 'ledger',
      version: 1,
      handlers: {
        AccountOpened: (event, { documents }) =>
          documents<Balance>('accounts').put(event.aggregateId, { owner: event.eventData.owner, balance: 0 }),
        MoneyDeposited: async (event, { documents }) => {
          const docs = documents<Balance>('accounts');
          const current = await docs.get(event.aggregateId);
          if (current === undefined) return;
          if (event.eventData.amount === 5) expect(await docs.find({ owner: 'Ada' })).toEqual([current]);
          current.balance = -1; // mutating a read copy changes nothing stored or remembered
          seen.push(await docs.get(event.aggregateId));
          if (event.eventData.amount === 0) {
            expect(await docs.delete(event.aggregateId)).toBe(true);
            seen.push(await docs.get(event.aggregateId));
            // find and count see the batch's held-back writes too
            seen.push(await docs.count(), await docs.find({ owner: 'Ada' }));
            return;
          }
          const bad = docs.put(event.aggregateId, { owner: 'x', balance: Number.NaN });
          await expect(bad).rejects.toSatisfy(isInvalidArgumentError);
          await docs.patch(event.aggregateId, {
            balance: (seen.at(-1) as Balance).balance + event.eventData.amount,
          });
        },
      },
    });
    const store = createInMemoryEventStore({ inlineProjections: [ledger] });
    await store.append(acc('a'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 5 } },
      { eventType: 'MoneyDeposited', eventData: { amount: 7 } },
      { eventType: 'MoneyDeposited', eventData: { amount: 0 } },
      { eventType: 'MoneyDeposited', eventData: { amount: 9 } },
    ]);
    expect(seen).toEqual([
      { owner: 'Ada', balance: 0 },
      { owner: 'Ada', balance: 5 },
      { owner: 'Ada', balance: 12 },
      undefined,
      0,
      [],
    ]);
    expect(await readDocuments<Balance>(store, 'ledger', 'accounts').get('a')).toBeUndefined();
  });

  it('within one batch, a read gives back what JSON keeps of the put document, as after the commit', async () => {
    type Odd = Record<string, unknown>;
    type Opened = AggregateEvent<'AccountOpened', { owner: string }>;
    const deep = (levels: number): Odd => (levels === 0 ? { end: -0 } : { next: deep(levels - 1) });
    const odd = (id: string): Odd => {
      const document: Odd = { zero: -0, gone: undefined, list: [1, { a: 'b' }] };
      Object.defineProperty(document, '__proto__', { value: { own: 1 }, enumerable: true });
      // Deeper than the quick copy goes: copied the slow way, with the same result.
      if (id === 'deep') document.deep = deep(80);
      return document;
    };
    const ids = ['flat', 'deep'];
    const inBatch = new Map<string, Odd>();
    const kept = defineProjection<Opened>({
      name: 'kept',
      version: 1,
      handlers: {
        AccountOpened: async (_event, { documents }) => {
          const docs = documents('odd');
          for (const id of ids) {
            const document = odd(id);
            // Not a JsonDocument by type: `undefined` and `-0` are what this test is about.
            await docs.put(id, document as JsonDocument);
            (document.list as unknown[]).push('changed after put');
            const read = (await docs.get(id))!;
            (read.list as unknown[]).push('changed after get');
            inBatch.set(id, (await docs.get(id))!);
          }
        },
      },
    });
    const store = createInMemoryEventStore({ inlineProjections: [kept] });
    await store.append(acc('a'), 'no_stream', [{ eventType: 'AccountOpened', eventData: { owner: 'Ada' } }]);
    for (const id of ids) {
      const expected = JSON.parse(JSON.stringify(odd(id)));
      const read = inBatch.get(id)!;
      expect(read).toStrictEqual(expected);
      expect(await readDocuments(store, 'kept', 'odd').get(id)).toStrictEqual(expected);
      expect(Object.is(read.zero, 0)).toBe(true);
      expect(Object.hasOwn(read, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    }
  });

  it('async: exactly the fold of the log; a rebuild switches versions', async () => {
    const store = createInMemoryEventStore();
    const { lastPosition } = await store.append(acc('a'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 5 } },
    ]);
    const p = startProjection(store, balances(), { batchSize: 1 });
    await p.whenProcessed(lastPosition);
    await p.stop();
    const read = readDocuments<Balance>(store, 'balances', 'balances');
    expect(await read.get('a')).toEqual({ owner: 'Ada', balance: 5 });
    const progress: bigint[] = [];
    const result = await rebuildProjection(store, balances(2, 10), {
      onProgress: (x) => progress.push(x.done),
    });
    expect(result.switched).toBe(true);
    expect(progress.at(-1)).toBe(2n);
    expect(await read.get('a')).toEqual({ owner: 'Ada', balance: 50 });
    expect(await store.projections.versions('balances')).toEqual([
      { name: 'balances', version: 1, status: 'retired' },
      { name: 'balances', version: 2, status: 'active' },
    ]);
  });

  it('rejects bad definitions', () => {
    const bad = (definition: unknown) => {
      try {
        defineProjection(definition as never);
      } catch (error) {
        return isInvalidArgumentError(error) ? error.argument : 'other';
      }
      return 'accepted';
    };
    expect(bad({ name: 'x', version: 0, handlers: { A: () => {} } })).toBe('projection.version');
    expect(bad({ name: 'x', version: 1, handlers: {} })).toBe('projection.handlers');
    expect(bad({ name: 'x', version: 1, handlers: { A: 1 } })).toBe('projection.handlers.A');
    expect(bad({ name: 'not a name', version: 1, handlers: { A: () => {} } })).toBe('projection.name');
    expect(() => createInMemoryEventStore({ inlineProjections: [balances(), balances()] })).toThrow(
      /repeats/,
    );
  });
});
