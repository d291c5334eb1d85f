/**
 * The relay engine's own rules, with a scripted transport (the broker-side guarantees are proved
 * against real brokers in @chronicle/nats and @chronicle/rabbitmq): the window bounds what is in
 * flight, sends go in position order, a failure restarts at the first unconfirmed message (never
 * past it), nothing is checkpointed before the broker confirmed it, and a configuration the broker
 * refuses fails before any event is marked relayed.
 */
import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore, InvalidArgumentError } from '../src/index';
import {
  isRelayConfigurationError,
  RelayConfigurationError,
  type RelayMessage,
  type RelayTransport,
  startRelay,
} from '../src/relay/index';

/** A transport that confirms after a tick, records every send, and fails the sends it is told to. */
function scriptedTransport(script: { failAt?: (message: RelayMessage, attempt: number) => boolean } = {}) {
  const sent: RelayMessage[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let up = true;
  const transport: RelayTransport = {
    name: 'scripted',
    async open() {},
    async publish(message) {
      sent.push(message);
      const attempt = (attempts.get(message.messageId) ?? 0) + 1;
      attempts.set(message.messageId, attempt);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (!up || script.failAt?.(message, attempt)) throw new Error(`refused ${message.event.position}`);
      } finally {
        inFlight--;
      }
    },
    connected: () => up,
    async close() {},
  };
  return {
    transport,
    sent,
    maxInFlight: () => maxInFlight,
    setUp(value: boolean) {
      up = value;
    },
  };
}

async function storeWith(count: number) {
  const store = createInMemoryEventStore();
  for (let i = 0; i < count; i++) {
    await store.append({ aggregateType: 'Account', aggregateId: `a-${i % 3}` }, 'any', [
      { eventType: 'Deposited', eventData: { n: i } },
    ]);
  }
  return store;
}

describe('startRelay', () => {
  it('publishes every event in position order with at most `window` in flight, then checkpoints', async () => {
    const store = await storeWith(100);
    const t = scriptedTransport();
    const relay = await startRelay(store, t.transport, { id: 'r', window: 8, batchSize: 30 });
    await relay.whenRelayed(100n);
    expect(t.sent.map((m) => m.event.position)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i + 1)));
    expect(t.maxInFlight()).toBe(8);
    expect(t.sent[0]?.headers).toMatchObject({
      'chronicle-position': '1',
      'chronicle-stream': 'Account/a-0',
    });
    expect(JSON.parse(t.sent[0]?.body ?? '{}')).toMatchObject({ position: '1', eventData: { n: 0 } });
    // Within a batch each message names its predecessor; a batch's first does not.
    expect(t.sent[0]?.previousMessageId).toBeUndefined();
    expect(t.sent[1]?.previousMessageId).toBe(t.sent[0]?.messageId);
    expect(t.sent[30]?.previousMessageId).toBeUndefined();
    const status = relay.status();
    expect(status).toMatchObject({
      transport: 'scripted',
      connected: true,
      inFlight: 0,
      confirmed: 100,
      lag: 0n,
    });
    await relay.stop();
    expect((await store.checkpoints.load('r'))?.position).toBe(100n);
  });

  it('retries from the first unconfirmed message, never skipping it, and never checkpoints past it', async () => {
    const store = await storeWith(40);
    // Position 17 is refused twice; the messages after it in flight at that moment are confirmed.
    const t = scriptedTransport({ failAt: (m, attempt) => m.event.position === 17n && attempt <= 2 });
    const relay = await startRelay(store, t.transport, {
      id: 'r',
      window: 4,
      batchSize: 40,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    await relay.whenRelayed(40n);
    await relay.stop();
    const positions = t.sent.map((m) => Number(m.event.position));
    const failures = positions.flatMap((p, i) => (p === 17 ? [i] : []));
    expect(failures).toHaveLength(3);
    // After each failure nothing beyond the window was sent before the retry restarted at 17.
    for (const at of failures.slice(0, 2)) {
      const afterFailure = positions.slice(at + 1, positions.indexOf(17, at + 1));
      expect(Math.max(...afterFailure)).toBeLessThan(17 + 4);
    }
    // The retry run starts unchained at 17 and goes on in order to the end.
    const lastRun = t.sent.slice(failures[2]);
    expect(lastRun.map((m) => Number(m.event.position))).toEqual(
      Array.from({ length: 24 }, (_, i) => 17 + i),
    );
    expect(lastRun[0]?.previousMessageId).toBeUndefined();
    expect(relay.status().failedAttempts).toBe(2);
    expect(relay.status().lastError?.message).toBe('refused 17');
    expect((await store.checkpoints.load('r'))?.position).toBe(40n);
  });

  it('waits out a broker that is down (no checkpoint moves) and stops cleanly meanwhile', async () => {
    const store = await storeWith(10);
    const t = scriptedTransport();
    t.setUp(false);
    const relay = await startRelay(store, t.transport, { id: 'r', retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    while (relay.status().failedAttempts < 5) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(relay.status()).toMatchObject({ connected: false, checkpoint: undefined });
    expect(await store.checkpoints.load('r')).toBeUndefined();
    t.setUp(true);
    await relay.whenRelayed(10n);
    t.setUp(false);
    await store.append({ aggregateType: 'Account', aggregateId: 'late' }, 'any', [
      { eventType: 'Deposited', eventData: { n: 10 } },
    ]);
    while (relay.status().failedAttempts < 8) await new Promise((resolve) => setTimeout(resolve, 2));
    await relay.stop();
    expect(relay.status().state).toBe('stopped');
    expect((await store.checkpoints.load('r'))?.position).toBe(10n);
  });

  it('a configuration the broker refuses rejects before any event is marked relayed', async () => {
    const store = await storeWith(5);
    let closed = false;
    const refusing: RelayTransport = {
      ...scriptedTransport().transport,
      async open() {
        throw new RelayConfigurationError('scripted', 'servers', 'cannot reach it: check the URL');
      },
      async close() {
        closed = true;
      },
    };
    const error = await startRelay(store, refusing, { id: 'r' }).catch((e: unknown) => e);
    expect(isRelayConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'RELAY_CONFIGURATION', transport: 'scripted', setting: 'servers' });
    expect((error as Error).message).toBe('scripted relay: servers: cannot reach it: check the URL');
    expect(closed).toBe(true);
    expect(await store.checkpoints.load('r')).toBeUndefined();
  });

  it('a publish refused for its configuration fails the relay without checkpointing the batch', async () => {
    const store = await storeWith(5);
    const t = scriptedTransport();
    const transport: RelayTransport = {
      ...t.transport,
      async publish(message) {
        if (message.event.position === 3n)
          throw new RelayConfigurationError('scripted', 'subject', 'not a token');
        await t.transport.publish(message);
      },
    };
    const relay = await startRelay(store, transport, { id: 'r', retry: { baseDelayMs: 1 } });
    await expect(relay.whenRelayed(5n)).rejects.toMatchObject({ code: 'PROCESSING_TIMEOUT' });
    expect(relay.status()).toMatchObject({ state: 'failed', lastError: { code: 'RELAY_CONFIGURATION' } });
    expect(await store.checkpoints.load('r')).toBeUndefined();
  });

  it('rejects bad options before the transport opens', async () => {
    const store = await storeWith(1);
    const t = scriptedTransport();
    let opened = false;
    const transport = {
      ...t.transport,
      async open() {
        opened = true;
      },
    };
    for (const options of [
      { id: 'r', window: 0 },
      { id: '' },
      { id: 'r', retry: { tries: 3 } },
      { id: 'r', batchSize: -1 },
    ]) {
      await expect(startRelay(store, transport, options as never)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    await expect(startRelay(store, {} as never, { id: 'r' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(opened).toBe(false);
  });
});
