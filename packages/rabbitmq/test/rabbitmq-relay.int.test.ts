// createRabbitMqRelay end to end on the in-memory store: events arrive in order with their ids, and a
// configuration the broker refuses stops the relay before any event is marked as relayed.
import { createInMemoryEventStore, isInvalidArgumentError } from '@chronicle/core';
import { isRelayConfigurationError } from '@chronicle/core/relay';
import { describe, expect, it } from 'vitest';
import { createRabbitMqRelay } from '../src/index';
import { BROKER_URL, brokerReachable, createTestExchange } from './support/broker';

const order = { aggregateType: 'Order', aggregateId: 'o-1' };
const placed = (n: number) => ({ eventType: 'LinePlaced', eventData: { n } });

describe.skipIf(!brokerReachable)('createRabbitMqRelay', () => {
  it('relays every event in order with its id as message-id, then checkpoints', async () => {
    const target = await createTestExchange('relay');
    const store = createInMemoryEventStore();
    const relay = await createRabbitMqRelay(store, {
      id: 'r',
      url: BROKER_URL,
      exchange: target.exchange,
      window: 4,
    });
    try {
      const { lastPosition } = await store.append(
        order,
        'no_stream',
        Array.from({ length: 30 }, (_, i) => placed(i)),
      );
      await relay.whenRelayed(lastPosition);
      await target.until((r) => r.length === 30, '30 messages arrive');
      const events = await store.getEvents('Order', 'o-1');
      expect(target.received.map((m) => m.properties.messageId)).toEqual(events.map((e) => e.eventId));
      expect(relay.status()).toMatchObject({
        transport: 'rabbitmq',
        connected: true,
        lag: 0n,
        checkpoint: lastPosition,
      });
      expect((await store.checkpoints.load('r'))?.position).toBe(lastPosition);
    } finally {
      await relay.stop();
      await target.remove();
    }
  });

  it('rejects a missing exchange with RelayConfigurationError and stores no checkpoint', async () => {
    const store = createInMemoryEventStore();
    await store.append(order, 'no_stream', [placed(1)]);
    const error = await createRabbitMqRelay(store, {
      id: 'r',
      url: BROKER_URL,
      exchange: 'rabbitrelay-missing',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRelayConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ transport: 'rabbitmq', setting: 'exchange' });
    expect(await store.checkpoints.load('r')).toBeUndefined();
  });

  it('fails the relay on an unroutable message (mandatory) without checkpointing past it', async () => {
    const target = await createTestExchange('relay-unbound', { bind: false });
    const store = createInMemoryEventStore();
    const relay = await createRabbitMqRelay(store, { id: 'r', url: BROKER_URL, exchange: target.exchange });
    try {
      const { lastPosition } = await store.append(order, 'no_stream', [placed(1)]);
      await expect(relay.whenRelayed(lastPosition, { timeoutMs: 10_000 })).rejects.toThrow();
      expect(relay.status()).toMatchObject({
        state: 'failed',
        lastError: { code: 'RELAY_CONFIGURATION', setting: 'mandatory' },
      });
      expect(await store.checkpoints.load('r')).toBeUndefined();
    } finally {
      await relay.stop();
      await target.remove();
    }
  });

  it('rejects malformed options with InvalidArgumentError before connecting', async () => {
    const store = createInMemoryEventStore();
    const error = await createRabbitMqRelay(store, { id: 'r', url: 'nats://127.0.0.1', exchange: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(isInvalidArgumentError(error)).toBe(true);
  });
});
