// The kit's subscription loop against a scripted source: retries, limits, stalls and clean ends (C5).
import { describe, expect, it } from 'vitest';
import {
  createEventPipeline,
  createWakeUpEmitter,
  SUBSCRIPTION_RETRY_LIMIT,
  type SubscriptionPage,
  type SubscriptionSource,
  subscribeToSource,
} from '../src/adapter/index';
import {
  createInMemoryEventStore,
  isStoreUnavailableError,
  StoreUnavailableError,
  startProcessor,
} from '../src/index';

const empty = (through: bigint, head: bigint): SubscriptionPage => ({ events: [], through, head });

function scripted(
  readPage: SubscriptionSource['readPage'],
  closed = new AbortController(),
): SubscriptionSource {
  return {
    store: 'scripted',
    pipeline: createEventPipeline(),
    readPage,
    readHead: () => 0n,
    wakeUps: createWakeUpEmitter(),
    closed: closed.signal,
    pollIntervalMs: 5,
    retryBaseDelayMs: 1,
  };
}

const drain = async (iterable: AsyncIterable<unknown>) => {
  const items: unknown[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

describe('subscribeToSource', () => {
  it('retries a retriable error and goes on', async () => {
    let calls = 0;
    const source = scripted(() => {
      if (++calls <= 2) throw new StoreUnavailableError('connection lost', { retriable: true });
      return empty(3n, 3n);
    });
    const batches = await drain(subscribeToSource(source, { live: false }));
    expect(calls).toBe(3);
    expect(batches).toEqual([{ events: [], through: 3n, caughtUp: true, head: 3n }]);
  });

  it(`surfaces a retriable error after ${SUBSCRIPTION_RETRY_LIMIT} attempts in a row, and a non-retriable one at once`, async () => {
    let calls = 0;
    const failing = scripted(() => {
      calls++;
      throw new StoreUnavailableError('connection lost', { retriable: true });
    });
    await expect(drain(subscribeToSource(failing, { live: false }))).rejects.toSatisfy(
      isStoreUnavailableError,
    );
    expect(calls).toBe(SUBSCRIPTION_RETRY_LIMIT);

    calls = 0;
    const broken = scripted(() => {
      calls++;
      throw new StoreUnavailableError('disk full', { retriable: false });
    });
    await expect(drain(subscribeToSource(broken, { live: false }))).rejects.toSatisfy(
      isStoreUnavailableError,
    );
    expect(calls).toBe(1);
  });

  it('waits instead of spinning while through cannot move (a stalled horizon), then goes on', async () => {
    let calls = 0;
    const source = scripted(() => (++calls < 4 ? empty(0n, 5n) : empty(5n, 5n)));
    const batches = await drain(subscribeToSource(source, { live: false }));
    expect(calls).toBe(4);
    expect(batches).toEqual([{ events: [], through: 5n, caughtUp: true, head: 5n }]);
  });

  it('ends without error when the store closes during a read', async () => {
    const closed = new AbortController();
    const source = scripted(() => {
      closed.abort();
      throw new StoreUnavailableError('closed', { retriable: false, closed: true });
    }, closed);
    await expect(drain(subscribeToSource(source))).resolves.toEqual([]);
  });
});

describe('startProcessor ends cleanly', () => {
  it('when the store closes while it stands by, and when its signal aborts', async () => {
    const store = createInMemoryEventStore();
    const holder = await store.checkpoints.claim('busy', 'someone-else', 60_000);
    expect(holder).toBeDefined();
    const standby = startProcessor(store, { id: 'busy', leaseTtlMs: 40, handle: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(standby.status().state).toBe('standby');
    await store.close();
    await standby.stop();
    expect(standby.status().state).toBe('stopped');

    const other = createInMemoryEventStore();
    const controller = new AbortController();
    const processor = startProcessor(other, { id: 'p', handle: () => {}, signal: controller.signal });
    await processor.whenProcessed(0n);
    controller.abort();
    await processor.stop();
    expect(processor.status().state).toBe('stopped');
    expect(await other.checkpoints.claim('p', 'next', 1000), 'its lease was released').toBeDefined();
  });
});
