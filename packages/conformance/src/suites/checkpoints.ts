// Rule C6 of docs/contract.md ("Consuming"): checkpoints move only under compare-and-set; parked
// events are stored with their error, listed and removed by processor id.
import { isCheckpointConflictError, isInvalidArgumentError } from '@chronicle/core';
import { expect } from 'vitest';
import { processorId, subscribable, thrownBy } from '../support/consuming';
import { defineSuite } from '../test-definition';

const requires = ['subscriptions'] as const;

/** Runs `action`, expecting a `CheckpointConflictError`. */
async function expectConflict(action: () => Promise<unknown>, why: string): Promise<void> {
  const error = await thrownBy(() => action());
  expect(isCheckpointConflictError(error), `${why}: CheckpointConflictError, got ${String(error)}`).toBe(
    true,
  );
}

export const checkpointsTests = defineSuite('checkpoints', [
  {
    name: 'load returns undefined before the first save, then what was saved',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('load');
      expect(await checkpoints.load(id)).toBeUndefined();
      const before = Date.now();
      await checkpoints.save(id, 7n, { expected: undefined });
      const loaded = await checkpoints.load(id);
      expect(loaded?.processorId).toBe(id);
      expect(loaded?.position).toBe(7n);
      expect(loaded!.updatedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      await checkpoints.save(id, 9n, { expected: 7n });
      expect((await checkpoints.load(id))?.position).toBe(9n);
    },
  },
  {
    name: 'save is compare-and-set: a stale expected gets CheckpointConflictError and writes nothing',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('cas');
      await checkpoints.save(id, 5n, { expected: undefined });
      await expectConflict(
        () => checkpoints.save(id, 6n, { expected: undefined }),
        'C6: expected none, but 5 is stored',
      );
      await expectConflict(
        () => checkpoints.save(id, 6n, { expected: 4n }),
        'C6: expected 4, but 5 is stored',
      );
      await expectConflict(
        () => checkpoints.save(processorId('other'), 1n, { expected: 0n }),
        'C6: expected 0, but none is stored',
      );
      expect((await checkpoints.load(id))?.position, 'C6: a lost compare-and-set writes nothing').toBe(5n);
    },
  },
  {
    name: 'of racing saves with the same expected position exactly one wins',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('race');
      await checkpoints.save(id, 1n, { expected: undefined });
      const results = await Promise.allSettled(
        [2n, 3n, 4n, 5n].map((p) => checkpoints.save(id, p, { expected: 1n })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won, 'C6: exactly one save from 1 succeeds').toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(isCheckpointConflictError(r.reason)).toBe(true);
      const winner = [2n, 3n, 4n, 5n][results.findIndex((r) => r.status === 'fulfilled')];
      expect((await checkpoints.load(id))?.position).toBe(winner);
    },
  },
  {
    name: 'reset rewinds unconditionally and list returns every checkpoint by id',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const [a, b] = [processorId('a-list'), processorId('b-list')];
      await checkpoints.save(b, 10n, { expected: undefined });
      await checkpoints.reset(a, 3n);
      await checkpoints.reset(b, 2n);
      const listed = (await checkpoints.list()).filter((c) => c.processorId === a || c.processorId === b);
      expect(listed.map((c) => [c.processorId, c.position])).toEqual([
        [a, 3n],
        [b, 2n],
      ]);
      await checkpoints.save(b, 4n, { expected: 2n });
      expect((await checkpoints.load(b))?.position).toBe(4n);
    },
  },
  {
    name: 'parked events are stored with their error, listed in position order and removed by unpark',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('park');
      expect(await checkpoints.listParked(id)).toEqual([]);
      await checkpoints.park(id, {
        position: 9n,
        eventId: 'e-9',
        eventType: 'Deposited',
        error: 'boom',
        attempts: 3,
      });
      await checkpoints.park(id, {
        position: 4n,
        eventId: 'e-4',
        eventType: 'Opened',
        error: 'bad',
        attempts: 1,
      });
      await checkpoints.park(processorId('someone-else'), {
        position: 1n,
        eventId: 'e-1',
        eventType: 'X',
        error: 'x',
        attempts: 1,
      });
      const parked = await checkpoints.listParked(id);
      expect(
        parked.map((p) => [p.processorId, p.position, p.eventId, p.eventType, p.error, p.attempts]),
      ).toEqual([
        [id, 4n, 'e-4', 'Opened', 'bad', 1],
        [id, 9n, 'e-9', 'Deposited', 'boom', 3],
      ]);
      expect(parked[0]!.parkedAt).toBeInstanceOf(Date);
      expect(await checkpoints.unpark(id, 4n)).toBe(true);
      expect(await checkpoints.unpark(id, 4n)).toBe(false);
      expect((await checkpoints.listParked(id)).map((p) => p.position)).toEqual([9n]);
    },
  },
  {
    name: 'bad arguments throw InvalidArgumentError and write nothing',
    requires,
    async run({ store }) {
      const { checkpoints } = subscribable(store);
      const id = processorId('bad');
      const calls: [string, () => Promise<unknown>][] = [
        ['load(blank id)', () => checkpoints.load(' ')],
        ['save(negative)', () => checkpoints.save(id, -1n, { expected: undefined })],
        ['save(number)', () => checkpoints.save(id, 1 as never, { expected: undefined })],
        ['save(no options)', () => checkpoints.save(id, 1n, undefined as never)],
        ['save(expected -1n)', () => checkpoints.save(id, 1n, { expected: -1n })],
        ['claim(ttl 0)', () => checkpoints.claim(id, 'owner', 0)],
        ['claim(ttl -5)', () => checkpoints.claim(id, 'owner', -5)],
        ['claim(blank owner)', () => checkpoints.claim(id, '', 1000)],
        ['renew(no lease)', () => checkpoints.renew(undefined as never, 1000)],
        ['reset(negative)', () => checkpoints.reset(id, -2n)],
        [
          'park(no position)',
          () => checkpoints.park(id, { eventId: 'e', eventType: 't', error: '', attempts: 1 } as never),
        ],
      ];
      for (const [label, call] of calls) {
        const error = await thrownBy(() => call());
        expect(isInvalidArgumentError(error), `${label} throws InvalidArgumentError`).toBe(true);
      }
      expect(await checkpoints.load(id)).toBeUndefined();
      expect(await checkpoints.listParked(id)).toEqual([]);
    },
  },
]);
