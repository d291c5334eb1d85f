/**
 * The examples of docs/projections.md, run for real. The last test checks that every TypeScript
 * block of the guide appears here line for line (imports aside), so the guide cannot drift.
 */
import { describe, expect, it } from 'vitest';
import {
  type AggregateEvent,
  createInMemoryEventStore,
  defineProjection,
  isProjectionError,
  type ProjectionHandlers,
  type RebuildProgress,
  readDocuments,
  rebuildProjection,
  startProjection,
} from '../src/index';
import { expectGuideBlocksIn } from './support/guide-blocks';

const account = (id: string) => ({ aggregateType: 'BankAccount', aggregateId: id });

type AccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string }>
  | AggregateEvent<'MoneyDeposited', { amount: number }>
  | AggregateEvent<'MoneyWithdrawn', { amount: number }>;

type Balance = { owner: string; balance: number };

const balanceHandlers: ProjectionHandlers<AccountEvent> = {
  AccountOpened: (event, { documents }) =>
    documents<Balance>('balances').put(event.aggregateId, { owner: event.eventData.owner, balance: 0 }),
  MoneyDeposited: async (event, { documents }) => {
    const balances = documents<Balance>('balances');
    const current = await balances.get(event.aggregateId);
    await balances.patch(event.aggregateId, { balance: (current?.balance ?? 0) + event.eventData.amount });
  },
  MoneyWithdrawn: async (event, { documents }) => {
    const balances = documents<Balance>('balances');
    const current = await balances.get(event.aggregateId);
    if (current === undefined) throw new Error(`no account ${event.aggregateId}`);
    await balances.patch(event.aggregateId, { balance: current.balance - event.eventData.amount });
  },
};

const balances = defineProjection<AccountEvent>({
  name: 'balances',
  version: 1,
  handlers: balanceHandlers,
});

type StatementLine = { account: string; amount: number; at: string };

const statements = defineProjection<AccountEvent>({
  name: 'statements',
  version: 1,
  indexes: { lines: ['account'] },
  handlers: {
    AccountOpened: () => {},
    MoneyDeposited: (event, { documents }) =>
      documents<StatementLine>('lines').put(String(event.position), {
        account: event.aggregateId,
        amount: event.eventData.amount,
        at: event.occurredAt.toISOString(),
      }),
    MoneyWithdrawn: (event, { documents }) =>
      documents<StatementLine>('lines').put(String(event.position), {
        account: event.aggregateId,
        amount: -event.eventData.amount,
        at: event.occurredAt.toISOString(),
      }),
  },
});

describe('docs/projections.md', () => {
  it('runs an inline projection in the append transaction', async () => {
    const store = createInMemoryEventStore({ inlineProjections: [balances] });
    await store.append(account('acc-1'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 100 } },
    ]);
    const accounts = readDocuments<Balance>(store, 'balances', 'balances');
    const balance = await accounts.get('acc-1'); // { owner: 'Ada', balance: 100 }

    expect(balance).toEqual({ owner: 'Ada', balance: 100 });

    try {
      await store.append(account('acc-2'), 'no_stream', [
        { eventType: 'MoneyWithdrawn', eventData: { amount: 5 } },
      ]);
    } catch (error) {
      if (!isProjectionError(error)) throw error;
      // error.projection === 'balances'; error.cause is the handler's Error('no account acc-2').
      // Neither the event nor any document was written.
    }

    expect(await store.getStreamVersion(account('acc-2'))).toBe(0);
  });

  it('runs an async projection, exactly once', async () => {
    const store = createInMemoryEventStore();
    const { lastPosition } = await store.append(account('acc-1'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 100 } },
      { eventType: 'MoneyWithdrawn', eventData: { amount: 30 } },
    ]);

    const processor = startProjection(store, statements, { batchSize: 500 });
    await processor.whenProcessed(lastPosition);
    const lines = await readDocuments<StatementLine>(store, statements, 'lines').find(
      { account: 'acc-1' },
      { index: 'account' },
    );
    await processor.stop();

    expect(lines.map((line) => line.amount)).toEqual([100, -30]);
  });

  it('rebuilds a new version without downtime', async () => {
    const store = createInMemoryEventStore({ inlineProjections: [balances] });
    await store.append(account('acc-1'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 100 } },
    ]);
    const seen: RebuildProgress[] = [];

    const balancesV2 = defineProjection<AccountEvent>({
      name: 'balances',
      version: 2,
      handlers: {
        ...balanceHandlers,
        AccountOpened: (event, { documents }) =>
          documents<Balance>('balances').put(event.aggregateId, {
            owner: event.eventData.owner.toUpperCase(),
            balance: 0,
          }),
      },
    });

    await rebuildProjection(store, balancesV2, {
      onProgress: ({ done, total, rate, etaSeconds }) => seen.push({ done, total, rate, etaSeconds }),
    });

    expect(seen.at(-1)).toMatchObject({ done: 2n, total: 2n });
    expect(await readDocuments<Balance>(store, 'balances', 'balances').get('acc-1')).toEqual({
      owner: 'ADA',
      balance: 100,
    });
  });

  it('shows every TypeScript block of the guide here', () => {
    expectGuideBlocksIn(
      new URL('../../../docs/projections.md', import.meta.url),
      new URL(import.meta.url),
      5,
    );
  });
});
