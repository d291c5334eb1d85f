// Deliberately broken consuming sides (subscribe, checkpoints, leases), one short wrapper each, and
// the conformance tests that must catch them.
import {
  type CheckpointStore,
  createInMemoryEventStore,
  type EventBatch,
  type EventStore,
  type SubscribeOptions,
} from '@chronicle/core';
import type { BrokenStore } from './broken-stores';
import { wrapStore } from './wrap-store';

/** A broken store built on a fresh in-memory store, its subscribe and checkpoints overridden. */
const broken = (
  name: string,
  caughtBy: readonly string[],
  wrap: (inner: EventStore) => {
    subscribe?: (options?: SubscribeOptions) => AsyncIterable<EventBatch>;
    checkpoints?: Partial<CheckpointStore>;
  },
): BrokenStore => ({
  name,
  caughtBy,
  options: {
    name,
    capabilities: { subscriptions: true },
    createStore: (options) => {
      const inner = createInMemoryEventStore(options);
      const { subscribe, checkpoints } = wrap(inner);
      const store: EventStore = {
        ...wrapStore(inner, {}),
        subscribe: subscribe ?? ((o) => inner.subscribe(o)),
        checkpoints: { ...bound(inner.checkpoints), ...checkpoints },
      };
      return store;
    },
  },
});

/** The store's checkpoint methods, bound, so single ones can be replaced. */
function bound(checkpoints: CheckpointStore): CheckpointStore {
  const c = checkpoints;
  return {
    load: (id) => c.load(id),
    save: (id, position, options) => c.save(id, position, options),
    claim: (id, owner, ttl) => c.claim(id, owner, ttl),
    renew: (lease, ttl) => c.renew(lease, ttl),
    release: (lease) => c.release(lease),
    list: () => c.list(),
    reset: (id, position) => c.reset(id, position),
    park: (id, event) => c.park(id, event),
    listParked: (id) => c.listParked(id),
    unpark: (id, position) => c.unpark(id, position),
  };
}

/** A subscribe that passes every batch of the real one through `change`. */
const mapBatches =
  (inner: EventStore, change: (batch: EventBatch, index: number) => EventBatch | undefined) =>
  (options?: SubscribeOptions): AsyncIterable<EventBatch> => {
    const batches = inner.subscribe(options);
    return (async function* () {
      let index = 0;
      for await (const batch of batches) {
        const changed = change(batch, index++);
        if (changed !== undefined) yield changed;
      }
    })();
  };

export const brokenConsumingStores: readonly BrokenStore[] = [
  broken(
    'a subscription that skips an event (every third position)',
    [
      'subscriptions/delivers every committed event once, in order, and ends when caught up with live false',
      'subscriptions/property: random appends and subscribers at random positions with random filters see exactly the model',
      'processors/handles every event once in order, and whenProcessed resolves at the position',
    ],
    (inner) => ({
      subscribe: mapBatches(inner, (b) => ({ ...b, events: b.events.filter((e) => e.position % 3n !== 0n) })),
    }),
  ),
  broken(
    'a subscription that delivers an event twice',
    [
      'subscriptions/delivers every committed event once, in order, and ends when caught up with live false',
      'processors/handles every event once in order, and whenProcessed resolves at the position',
    ],
    (inner) => ({
      subscribe: mapBatches(inner, (b) => ({
        ...b,
        events: b.events.length > 0 ? [b.events[0]!, ...b.events] : [],
      })),
    }),
  ),
  broken(
    'a subscription whose through passes events it has not delivered (reports the head)',
    [
      'subscriptions/a consumer that stops pulling holds one batch: through never runs ahead of what it was given',
      'subscriptions/delivers every committed event once, in order, and ends when caught up with live false',
    ],
    (inner) => ({
      subscribe: mapBatches(inner, (b) => ({ ...b, through: b.head, caughtUp: true })),
    }),
  ),
  broken(
    'a subscription whose through stays put while only filtered-out events pass',
    [
      'subscriptions/a filter delivers only matching events, and through still advances to the head past filtered-out ones',
      "processors/a filtered processor's checkpoint reaches the head and its lag goes to 0",
    ],
    (inner) => ({
      subscribe: mapBatches(inner, (b) =>
        b.events.length === 0 ? undefined : { ...b, through: b.events.at(-1)!.position },
      ),
    }),
  ),
  broken(
    'a subscription that is not live (ends once caught up)',
    ['subscriptions/a live subscription delivers events committed after it caught up, without a restart'],
    (inner) => ({ subscribe: (options) => inner.subscribe({ ...options, live: false }) }),
  ),
  broken(
    'a checkpoint save without compare-and-set',
    [
      'checkpoints/save is compare-and-set: a stale expected gets CheckpointConflictError and writes nothing',
      'checkpoints/of racing saves with the same expected position exactly one wins',
    ],
    (inner) => ({
      checkpoints: {
        async save(id, position, options) {
          await inner.checkpoints.reset(id, position);
          if (options.lease !== undefined) await inner.checkpoints.renew(options.lease, 1);
        },
      },
    }),
  ),
  broken(
    'a lease that does not fence (saves ignore the lease)',
    [
      'leases/a save under a superseded lease gets CheckpointConflictError and writes nothing (fencing)',
      'processors/a deposed instance cannot move the checkpoint: its save conflicts and it stops handling',
    ],
    (inner) => ({
      checkpoints: {
        save: (id, position, { expected }) => inner.checkpoints.save(id, position, { expected }),
      },
    }),
  ),
  broken(
    'a lease that is not exclusive (every claim succeeds)',
    [
      'leases/a claim is exclusive until it expires, then another owner takes it with a larger token',
      'leases/of racing claims by different owners exactly one wins',
      'processors/two instances with one id: one handles, the other stands by and takes over when it stops',
    ],
    (inner) => ({
      checkpoints: {
        async claim(id, owner, ttlMs) {
          const lease = await inner.checkpoints.claim(id, owner, ttlMs);
          return lease ?? { processorId: id, owner, token: 1n, expiresAt: new Date(Date.now() + ttlMs) };
        },
      },
    }),
  ),
];
