import { type RebuildProgress, readDocuments, startProjection } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import { balancesV2, rebuildBalances } from '#exercise/03-rebuild-balances';
import { balancesV1 } from '#exercise/balances-v1';
import type { Balance } from '#exercise/read-model-events';
import { freshStore, newAccountId, openAndUse, succeeds } from './support/bank';

describe('03-rebuild-balances: fix a projection bug with a new version and a rebuild', () => {
  it('builds version 2 beside version 1, switches, and the balances are right', async () => {
    const store = await freshStore('03');
    const [ada, bob] = [newAccountId(), newAccountId()];
    await openAndUse(store, ada, [5000], [1200]);
    const last = await openAndUse(store, bob, [300, 200], [100]);
    const v1 = startProjection(store, balancesV1);
    await v1.whenProcessed(last, { timeoutMs: 5_000 });
    await v1.stop();
    const balances = readDocuments<Balance>(store, 'account_balances', 'balances');
    expect((await balances.get(ada))?.balance, 'version 1 is wrong: it added the withdrawal').toBe(6200);

    const progress: RebuildProgress[] = [];
    const result = await succeeds(
      rebuildBalances(store, (p) => {
        progress.push(p);
      }),
      'the rebuild',
    );
    expect(result.switched, 'the rebuild caught up and switched to version 2').toBe(true);
    expect(balancesV2.version, 'the fix is version 2 of the same projection').toBe(2);
    expect(balancesV2.name, 'the same projection name as version 1').toBe(balancesV1.name);
    expect((await balances.get(ada))?.balance, "after the switch, Ada's balance is 5000 - 1200").toBe(3800);
    expect((await balances.get(bob))?.balance, "and Bob's 300 + 200 - 100").toBe(400);
    expect(
      (await store.projections.versions('account_balances')).map((v) => [v.version, v.status]),
      'version 2 is active; version 1 is retired',
    ).toEqual([
      [1, 'retired'],
      [2, 'active'],
    ]);
    expect(
      progress.length,
      'progress was reported after every batch (batches of 2: several reports)',
    ).toBeGreaterThan(2);
    const final = progress.at(-1)!;
    expect(final.done, 'the last report: everything done').toBe(final.total);
  });

  it('version 1 keeps serving reads while version 2 is built', async () => {
    const store = await freshStore('03');
    const id = newAccountId();
    const last = await openAndUse(store, id, [1000, 1000, 1000], [500, 500]);
    const v1 = startProjection(store, balancesV1);
    await v1.whenProcessed(last, { timeoutMs: 5_000 });
    await v1.stop();
    const balances = readDocuments<Balance>(store, 'account_balances', 'balances');
    const reads: Promise<Balance | undefined>[] = [];
    await succeeds(
      rebuildBalances(store, () => {
        reads.push(balances.get(id));
      }),
      'the rebuild',
    );
    const during = (await Promise.all(reads)).map((b) => b?.balance);
    expect(during.length, 'progress was reported while the rebuild ran').toBeGreaterThan(1);
    expect(
      during[0],
      `during the build, readers still get version 1's balance (4000, wrong but whole); they saw: ${during.join(', ')}`,
    ).toBe(4000);
    expect(await balances.get(id), 'after the rebuild: the right balance').toMatchObject({ balance: 2000 });
  });
});
