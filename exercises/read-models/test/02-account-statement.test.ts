import { type Processor, type ProjectableEventStore, readDocuments } from '@chronicle/core';
import { afterEach, describe, expect, it } from 'vitest';
import { accountStatement, type Statement, startAccountStatement } from '#exercise/02-account-statement';
import { freshStore, newAccountId, openAndUse, succeeds } from './support/bank';

const running: Processor[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((p) => p.stop()));
});

function start(store: ProjectableEventStore, options = {}): Processor {
  const processor = startAccountStatement(store, options);
  running.push(processor);
  return processor;
}

const statementOf = (store: ProjectableEventStore, id: string) =>
  readDocuments<Statement>(store, accountStatement, 'statements').get(id);

/**
 * The real store, except that the first `failures` projection transactions fail just before they
 * commit — after the handlers wrote every document of the batch — as a lost connection would.
 */
function failingCommits(store: ProjectableEventStore, failures: number): ProjectableEventStore {
  let left = failures;
  const projections = new Proxy(store.projections, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'transaction') return typeof value === 'function' ? value.bind(target) : value;
      return (work: (tx: unknown) => Promise<unknown>, options: unknown) =>
        target.transaction(async (tx) => {
          const result = await work(tx);
          if (left > 0) {
            left--;
            throw new Error('the connection was lost before COMMIT');
          }
          return result;
        }, options as never);
    },
  });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'projections') return projections;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('02-account-statement: an async projection, exactly once', () => {
  it('writes one line per movement, with the balance after it', async () => {
    const store = await freshStore('02');
    const id = newAccountId();
    const last = await openAndUse(store, id, [5000, 2500], [1200]);
    const statement = start(store);
    await succeeds(statement.whenProcessed(last, { timeoutMs: 5_000 }), 'catching up with the log');
    const doc = await statementOf(store, id);
    expect(
      doc?.lines.map((l) => [l.type, l.amount, l.balanceAfter]),
      'three lines, in order: two deposits and a withdrawal, each with the balance after it',
    ).toEqual([
      ['deposit', 5000, 5000],
      ['deposit', 2500, 7500],
      ['withdrawal', 1200, 6300],
    ]);
    expect(doc?.balance, 'the statement balance').toBe(6300);
  });

  it('stopped and started again, it resumes from its checkpoint: no line twice, none missing', async () => {
    const store = await freshStore('02');
    const id = newAccountId();
    const first = start(store, { batchSize: 2 });
    const before = await openAndUse(store, id, [100, 200, 300], []);
    await succeeds(first.whenProcessed(before, { timeoutMs: 5_000 }), 'the first run catching up');
    await first.stop();
    const { lastPosition } = await store.append({ aggregateType: 'Account', aggregateId: id }, 'any', [
      { eventType: 'MoneyWithdrawn', eventData: { amount: 50 } },
      { eventType: 'MoneyDeposited', eventData: { amount: 5 } },
    ]);
    const second = start(store, { batchSize: 2 });
    await succeeds(second.whenProcessed(lastPosition, { timeoutMs: 5_000 }), 'the restarted run catching up');
    expect(
      (await statementOf(store, id))?.lines.map((l) => l.amount),
      'every movement exactly once, in order, across the restart',
    ).toEqual([100, 200, 300, 50, 5]);
  });

  it('a batch whose commit fails is rolled back and handled again: still every line exactly once', async () => {
    const store = await freshStore('02');
    const id = newAccountId();
    const last = await openAndUse(store, id, [100, 200], [30]);
    const statement = start(failingCommits(store, 2), { retry: { baseDelayMs: 1 } });
    await succeeds(
      statement.whenProcessed(last, { timeoutMs: 5_000 }),
      'catching up despite two failed commits',
    );
    expect(
      (await statementOf(store, id))?.lines.map((l) => l.amount),
      'the two failed attempts wrote nothing that stayed: one line per movement',
    ).toEqual([100, 200, 30]);
  });
});
