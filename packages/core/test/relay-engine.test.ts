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
  type Relay,
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

/** A transport whose confirms the test gives by hand (`confirm(position)`), or refuses (`refuse`). */
function heldTransport() {
  const pending = new Map<bigint, { resolve(): void; reject(error: Error): void }>();
  const sent: RelayMessage[] = [];
  const transport: RelayTransport = {
    name: 'held',
    async open() {},
    publish(message) {
      sent.push(message);
      return new Promise<void>((resolve, reject) => pending.set(message.event.position, { resolve, reject }));
    },
    connected: () => true,
    async close() {},
  };
  const settle = (position: bigint, outcome: 'confirm' | 'refuse') => {
    const held = pending.get(position);
    if (held === undefined) throw new Error(`message ${position} is not in flight`);
    pending.delete(position);
    if (outcome === 'confirm') held.resolve();
    else held.reject(new Error(`refused ${position}`));
  };
  return {
    transport,
    sent,
    inFlight: () => [...pending.keys()].sort((a, b) => (a < b ? -1 : 1)),
    confirm: (...positions: bigint[]) => {
      for (const p of positions) settle(p, 'confirm');
    },
    refuse: (position: bigint) => settle(position, 'refuse'),
    /** Refuses everything in flight (a connection lost), so a failed test's stop() does not wait. */
    drop: () => {
      for (const p of [...pending.keys()]) settle(p, 'refuse');
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
async function until(condition: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting until ${what}`);
}
/** Confirms whatever is in flight until the relay's checkpoint reaches `position`. */
async function confirmUntil(t: ReturnType<typeof heldTransport>, relay: Relay, position: bigint) {
  await until(() => {
    t.confirm(...t.inFlight());
    return (relay.status().checkpoint ?? 0n) >= position;
  }, `checkpoint ${position}`);
}
const positions = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

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
    // Each message names its predecessor, across batch boundaries too; only the run's first does not.
    expect(t.sent[0]?.previousMessageId).toBeUndefined();
    expect(t.sent[1]?.previousMessageId).toBe(t.sent[0]?.messageId);
    expect(t.sent[30]?.previousMessageId).toBe(t.sent[29]?.messageId);
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

  it('a publish refused for its configuration fails the relay, checkpointed just before it', async () => {
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
    // 1 and 2 were confirmed before 3 was refused; nothing at or past 3 is marked relayed.
    expect((await store.checkpoints.load('r'))?.position).toBe(2n);
  });

  it('keeps publishing across batch boundaries, and checkpoints only a fully confirmed prefix', async () => {
    const store = await storeWith(20);
    const t = heldTransport();
    const relay = await startRelay(store, t.transport, { id: 'r', window: 8, batchSize: 5 });
    try {
      // The window fills with batch 1 (1–5) and batch 2 (6–8) before any confirm: no drain at the boundary.
      await until(() => t.inFlight().length === 8, '8 messages in flight');
      expect(t.inFlight()).toEqual(positions(1, 8));
      // Confirms out of order: 2–8 confirmed, 1 not — nothing is checkpointed past the gap.
      t.confirm(...positions(2, 8));
      await until(() => t.inFlight().length === 8, 'the window refills');
      expect(t.inFlight()).toEqual([1n, ...positions(9, 15)]);
      await tick();
      expect(await store.checkpoints.load('r')).toBeUndefined();
      // 1 arrives: batches 1 and 2 (through 10) are not both confirmed — 9 and 10 are not — so the
      // checkpoint moves to batch 1's end only.
      t.confirm(1n);
      await relay.whenRelayed(5n);
      await tick();
      expect((await store.checkpoints.load('r'))?.position).toBe(5n);
      t.confirm(9n, 10n);
      await relay.whenRelayed(10n);
      await confirmUntil(t, relay, 20n);
      expect(t.sent.map((m) => m.event.position)).toEqual(positions(1, 20));
    } finally {
      await relay.stop();
    }
  });

  it('after a refusal across a batch boundary, re-sends from the first unconfirmed message', async () => {
    const store = await storeWith(12);
    const t = heldTransport();
    const relay = await startRelay(store, t.transport, {
      id: 'r',
      window: 6,
      batchSize: 4,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      await until(() => t.inFlight().length === 6, '6 in flight');
      // 3 is refused; 1, 2 and the later ones (of the next batch) are confirmed: the retry run starts
      // at 3 and re-sends 4–6 too, so none of them lands ahead of 3's re-send.
      t.confirm(1n, 2n);
      t.refuse(3n);
      t.confirm(4n, 5n, 6n);
      await until(() => t.inFlight().length === 6, 'the retry run');
      expect(t.inFlight()).toEqual(positions(3, 8));
      // The retry run's first message (3, the 7th sent) names no predecessor; the next names it.
      expect(t.sent[6]?.previousMessageId).toBeUndefined();
      expect(t.sent[7]?.previousMessageId).toBe(t.sent[6]?.messageId);
      await confirmUntil(t, relay, 12n);
      expect(relay.status()).toMatchObject({ failedAttempts: 1, lastError: { message: 'refused 3' } });
      const order = t.sent.map((m) => Number(m.event.position));
      expect(order).toEqual([1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    } finally {
      t.drop();
      await relay.stop();
    }
  });

  it('stop() sends nothing more, waits for the messages in flight, and checkpoints the confirmed prefix', async () => {
    const store = await storeWith(30);
    const t = heldTransport();
    const relay = await startRelay(store, t.transport, { id: 'r', window: 6, batchSize: 10 });
    await until(() => t.inFlight().length === 6, '6 in flight');
    t.confirm(1n, 2n, 3n);
    await until(() => t.inFlight().length === 6, 'the window refills');
    expect(t.inFlight()).toEqual(positions(4, 9));
    const stopping = relay.stop();
    await tick();
    // Stopped sending: the window does not refill, and stop() waits for what is in flight.
    t.confirm(4n, 5n);
    await tick();
    expect(t.inFlight()).toEqual(positions(6, 9));
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await tick();
    expect(stopped).toBe(false);
    t.confirm(6n);
    t.refuse(7n);
    t.confirm(8n, 9n);
    await stopping;
    expect(t.sent.map((m) => m.event.position)).toEqual(positions(1, 9));
    // 1–6 are confirmed with nothing missing before them: the checkpoint stops there, mid-batch;
    // 7 (refused) and everything after it are the next relay's to send.
    expect((await store.checkpoints.load('r'))?.position).toBe(6n);
    expect(relay.status()).toMatchObject({ state: 'stopped', inFlight: 0, checkpoint: 6n });
  });

  it('saves checkpoints beside the publishing: at most one at a time, never blocking the window', async () => {
    const store = await storeWith(40);
    const saves: bigint[] = [];
    let saving = 0;
    let maxSaving = 0;
    let release: (() => void) | undefined;
    const save = store.checkpoints.save.bind(store.checkpoints);
    store.checkpoints.save = async (id, position, options) => {
      saving++;
      maxSaving = Math.max(maxSaving, saving);
      saves.push(position);
      // The first save hangs until the test releases it.
      if (saves.length === 1) await new Promise<void>((resolve) => (release = resolve));
      try {
        await save(id, position, options);
      } finally {
        saving--;
      }
    };
    const t = scriptedTransport();
    const relay = await startRelay(store, t.transport, { id: 'r', window: 4, batchSize: 5 });
    try {
      await until(() => release !== undefined, 'the first save starts');
      // While the first save hangs, publishing goes on to the end of the log.
      await until(() => relay.status().confirmed === 40, 'every message confirmed');
      expect(saves).toEqual([5n]);
      release!();
      await relay.whenRelayed(40n);
      expect(maxSaving).toBe(1);
      // Coalesced: the second save jumps to the newest completed position.
      expect(saves).toEqual([5n, 40n]);
    } finally {
      await relay.stop();
    }
  });

  it('with checkpointIntervalMs, saves at most once per interval while catching up, and at once when caught up', async () => {
    const store = await storeWith(40);
    const saves: bigint[] = [];
    const save = store.checkpoints.save.bind(store.checkpoints);
    store.checkpoints.save = async (id, position, options) => {
      saves.push(position);
      await save(id, position, options);
    };
    const t = scriptedTransport();
    const relay = await startRelay(store, t.transport, {
      id: 'r',
      window: 4,
      batchSize: 5,
      checkpointIntervalMs: 60_000,
    });
    try {
      // Eight batches: the first is saved (no save yet), the six after it are held back by the
      // interval, the last — it reached the head — is saved at once.
      await relay.whenRelayed(40n, { timeoutMs: 5_000 });
      expect(saves).toEqual([5n, 40n]);
    } finally {
      await relay.stop();
    }
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
      { id: 'r', checkpointIntervalMs: -1 },
    ]) {
      await expect(startRelay(store, transport, options as never)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    await expect(startRelay(store, {} as never, { id: 'r' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(opened).toBe(false);
  });
});
