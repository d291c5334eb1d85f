import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTestStores, startChild } from '@chronicle/exercise-support';
import { afterAll, describe, expect, it } from 'vitest';
import { BankAccount } from '#exercise/03-bank-account';
import { createAccountRepository } from '#exercise/04-accounts';
import { type DepositOutcome, depositOnce } from '#exercise/05-concurrent-deposit';

const stores = createTestStores('05-concurrency');
afterAll(() => stores.cleanup());

/** An open account with `balance` cents, at version 2. */
async function fundedAccount(balance: number): Promise<string> {
  const id = `acc-${randomUUID()}`;
  const accounts = createAccountRepository(await stores.open());
  const account = new BankAccount(id);
  account.open('Ada');
  account.deposit(balance);
  await accounts.save(account);
  return id;
}

/** Resolves once `count` parties have arrived: each awaits the same promise. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived++;
    if (arrived === count) release();
    return all;
  };
}

function expectOneWinner(outcomes: readonly DepositOutcome[]): void {
  const saved = outcomes.filter((o) => o.outcome === 'saved');
  const conflicts = outcomes.filter((o) => o.outcome === 'conflict');
  expect(saved, 'exactly one writer saves').toEqual([{ outcome: 'saved', version: 3 }]);
  expect(conflicts, 'the other gets ConcurrencyError').toEqual([
    { outcome: 'conflict', expectedVersion: 2, actualVersion: 3 },
  ]);
}

describe(`05-concurrency: two writers, one account (${stores.kind})`, () => {
  it('two connections load the same version, both save: one wins, one gets ConcurrencyError', async () => {
    const id = await fundedAccount(1000);
    const [first, second] = [await stores.open(), await stores.open()];
    const bothLoaded = barrier(2);
    const outcomes = await Promise.all([
      depositOnce(first, id, 100, bothLoaded),
      depositOnce(second, id, 200, bothLoaded),
    ]);
    expectOneWinner(outcomes);
    // The loser's deposit is not lost silently: it was refused, so only the winner's is in the balance.
    const winner = outcomes[0]?.outcome === 'saved' ? 100 : 200;
    const account = await createAccountRepository(await stores.open()).get(id);
    expect(
      account.balance,
      "only the winner's deposit is in the balance: the loser's was refused, not lost silently",
    ).toBe(1000 + winner);
    expect(account.version, "open + first deposit + the winner's deposit = version 3").toBe(3);
  });

  it('two real processes load the same version, both save: one wins, one gets ConcurrencyError', async () => {
    const id = await fundedAccount(1000);
    const script = fileURLToPath(new URL('./support/deposit-child.ts', import.meta.url));
    const children = [100, 200].map((amount) =>
      startChild(script, { location: stores.location, accountId: id, amount }),
    );
    try {
      // A child that fails before loading reports 'done' with its error instead.
      for (const message of await Promise.all(children.map((c) => c.next('loaded', 'done')))) {
        if (message.type === 'done') throw new Error(`a child failed: ${String(message.error)}`);
      }
      // Both hold version 2 in memory now; let them save at the same moment.
      for (const c of children) c.send({ type: 'go' });
      const reports = await Promise.all(children.map((c) => c.next('done')));
      for (const report of reports) expect(report.error, 'a child failed').toBeUndefined();
      expectOneWinner(reports.map((r) => r.outcome as DepositOutcome));
      const winner = (reports[0]!.outcome as DepositOutcome).outcome === 'saved' ? 100 : 200;
      const account = await createAccountRepository(await stores.open()).get(id);
      expect(account.balance, "only the winning process's deposit is in the balance").toBe(1000 + winner);
    } finally {
      for (const c of children) c.process.kill();
    }
  });
});
