// docs/relays.md's RabbitMQ example is compiled here (the package's typecheck covers this file) and
// run against the machine's broker; the test checks the guide still quotes it line for line, so the
// guide cannot drift from the API.
import { createInMemoryEventStore, type SubscribableEventStore } from '@chronicle/core';
import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { expectGuideBlocksIn } from '../../core/test/support/guide-blocks';
import { createMessageDeduplicator, createRabbitMqRelay } from '../src/index';
import { BROKER_URL, brokerReachable, removeNames, uniqueName } from './support/broker';

/** What a consumer reads from a message body (the whole event as JSON). */
type OrderEvent = { aggregateId: string; eventType: string; version: number; eventData: unknown };

/** The consuming service: its durable queue on the exchange, each event handled once. */
export async function consumeOrders(
  url: string,
  exchange: string,
  queue: string,
  handle: (event: OrderEvent) => void,
) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, 'Order.*');
  const seen = createMessageDeduplicator({ capacity: 100_000 });
  await channel.consume(queue, (message) => {
    if (message === null) return;
    // A repeat (after a relay crash or a broker outage) has the same message id: skip it.
    if (seen.firstDelivery(message.properties.messageId)) handle(JSON.parse(message.content.toString()));
    channel.ack(message);
  });
  return connection;
}

/** The relay: every committed event to the exchange, checkpointed under 'orders-to-rabbitmq'. */
export async function relayOrders(store: SubscribableEventStore, url: string, exchange: string) {
  return createRabbitMqRelay(store, {
    id: 'orders-to-rabbitmq',
    url,
    exchange: { name: exchange, declare: { type: 'topic' } },
    window: 64, // messages awaiting their confirm at once, across batch boundaries
    batchSize: 1000, // events read at a time
  });
}

it('docs/relays.md quotes the compiled examples', () => {
  expectGuideBlocksIn(
    new URL('../../../docs/relays.md', import.meta.url),
    [new URL(import.meta.url), new URL('../../nats/test/relays-guide.test.ts', import.meta.url)],
    2,
  );
});

describe.skipIf(!brokerReachable)('the guide’s RabbitMQ example', () => {
  it('relays appended orders to the consuming service, each once', async () => {
    const exchange = uniqueName('guide');
    const queue = `${exchange}-q`;
    const handled: OrderEvent[] = [];
    const connection = await consumeOrders(BROKER_URL, exchange, queue, (event) => handled.push(event));
    const store = createInMemoryEventStore();
    const relay = await relayOrders(store, BROKER_URL, exchange);
    try {
      const { lastPosition } = await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'any', [
        { eventType: 'OrderPlaced', eventData: { total: 42 } },
        { eventType: 'OrderPaid', eventData: { total: 42 } },
      ]);
      await relay.whenRelayed(lastPosition);
      for (const started = Date.now(); handled.length < 2 && Date.now() - started < 10_000; )
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(handled.map((e) => [e.aggregateId, e.eventType, e.version])).toEqual([
        ['o-1', 'OrderPlaced', 1],
        ['o-1', 'OrderPaid', 2],
      ]);
      expect(relay.status()).toMatchObject({ lag: 0n, connected: true });
    } finally {
      await relay.stop();
      await connection.close().catch(() => undefined);
      await removeNames({ exchanges: [exchange], queues: [queue] });
    }
  });
});
