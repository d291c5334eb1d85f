// Rule C7 of docs/contract.md ("Consuming"): a lease is held by one owner until it expires; every
// claim issues a larger fencing token, and a superseded token can neither renew nor save.
import { isCheckpointConflictError } from '@chronicle/core';
import { expect } from 'vitest';
import { processorId, subscribable, thrownBy } from '../support/consuming';
import { defineSuite } from '../test-definition';

const requires = ['subscriptions'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const leasesTests = defineSuite('leases', [
  {
    name: 'a claim is exclusive until it expires, then another owner takes it with a larger token',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('claim');
      const first = await checkpoints.claim(id, 'owner-a', 150);
      expect(first?.owner).toBe('owner-a');
      expect(first?.processorId).toBe(id);
      expect(first!.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(await checkpoints.claim(id, 'owner-b', 150), 'C7: held by another, unexpired').toBeUndefined();
      await sleep(250);
      const second = await checkpoints.claim(id, 'owner-b', 1000);
      expect(second?.owner, 'C7: an expired lease can be taken').toBe('owner-b');
      expect(second!.token > first!.token, 'C7: every claim issues a larger token').toBe(true);
    },
  },
  {
    name: 'renew extends a current lease; a superseded lease can neither renew nor release the new one',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('renew');
      const lease = (await checkpoints.claim(id, 'owner-a', 150))!;
      await sleep(100);
      const renewed = await checkpoints.renew(lease, 300);
      expect(renewed?.token, 'renewing keeps the token').toBe(lease.token);
      expect(renewed!.expiresAt.getTime()).toBeGreaterThan(lease.expiresAt.getTime());
      await sleep(100);
      expect(await checkpoints.claim(id, 'owner-b', 150), 'the renewed lease still holds').toBeUndefined();
      await sleep(300);
      const taken = (await checkpoints.claim(id, 'owner-b', 1000))!;
      expect(
        await checkpoints.renew(lease, 1000),
        'C7: a superseded lease cannot be renewed',
      ).toBeUndefined();
      await checkpoints.release(lease);
      expect(
        await checkpoints.claim(id, 'owner-c', 1000),
        "a stale release does not free the new holder's lease",
      ).toBeUndefined();
      expect((await checkpoints.renew(taken, 1000))?.owner).toBe('owner-b');
    },
  },
  {
    name: 'release lets another owner claim at once, and tokens keep growing',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('release');
      const tokens: bigint[] = [];
      for (const owner of ['a', 'b', 'c', 'a']) {
        const lease = await checkpoints.claim(id, owner, 60_000);
        expect(lease?.owner, `${owner} claims right after a release`).toBe(owner);
        tokens.push(lease!.token);
        await checkpoints.release(lease!);
      }
      expect(
        tokens.every((t, i) => i === 0 || t > tokens[i - 1]!),
        `tokens grow: ${tokens.join(', ')}`,
      ).toBe(true);
    },
  },
  {
    name: 'a save under a superseded lease gets CheckpointConflictError and writes nothing (fencing)',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('fence');
      const old = (await checkpoints.claim(id, 'owner-a', 100))!;
      await checkpoints.save(id, 5n, { expected: undefined, lease: old });
      await sleep(200);
      const current = (await checkpoints.claim(id, 'owner-b', 60_000))!;
      const error = await thrownBy(() => checkpoints.save(id, 9n, { expected: 5n, lease: old }));
      expect(isCheckpointConflictError(error), 'C7: the deposed owner cannot move the checkpoint').toBe(true);
      expect((await checkpoints.load(id))?.position).toBe(5n);
      await checkpoints.save(id, 9n, { expected: 5n, lease: current });
      expect((await checkpoints.load(id))?.position).toBe(9n);
    },
  },
  {
    name: 'of racing claims by different owners exactly one wins',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('race');
      const leases = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((owner) => checkpoints.claim(id, owner, 60_000)),
      );
      expect(
        leases.filter((l) => l !== undefined),
        'C7: one owner at a time',
      ).toHaveLength(1);
    },
  },
]);
