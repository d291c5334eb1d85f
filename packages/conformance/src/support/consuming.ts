import type { EventBatch, EventStore, ReadWriteEventStore, SubscribeOptions } from '@chronicle/core';

/** The test's store as a {@link EventStore} (the sub-suites that use it require `subscriptions`). */
export function subscribable(store: ReadWriteEventStore): EventStore {
  const s = store as Partial<EventStore>;
  if (typeof s.subscribe !== 'function' || typeof s.checkpoints !== 'object') {
    throw new Error('capabilities.subscriptions is true, but the store has no subscribe() or checkpoints');
  }
  return store as EventStore;
}

/** Every batch of a subscription that ends when caught up (`live: false`). */
export async function catchUp(store: EventStore, options: SubscribeOptions = {}): Promise<EventBatch[]> {
  const batches: EventBatch[] = [];
  for await (const batch of store.subscribe({ ...options, live: false })) batches.push(batch);
  return batches;
}

/** The positions of every event in `batches`, in delivery order. */
export const deliveredPositions = (batches: readonly EventBatch[]): bigint[] =>
  batches.flatMap((b) => b.events.map((e) => e.position));

/** Resolves once `condition()` holds, polling every few ms; rejects after `timeoutMs` with `what`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A unique processor id for one test run. */
export const processorId = (label: string): string => `${label}-${Math.random().toString(36).slice(2, 10)}`;

/** A promise and its resolver (`Promise.withResolvers` is Node 22+). */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** What `action` threw or rejected with (`undefined` when it succeeded). */
export async function thrownBy(action: () => unknown): Promise<unknown> {
  try {
    await action();
    return undefined;
  } catch (thrown) {
    return thrown;
  }
}
