// The transport against the real broker: what a consumer receives for a confirmed publish, and the
// typed error, saying what to fix, for each configuration mistake a user makes.
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@chronicle/core';
import { isInvalidArgumentError } from '@chronicle/core';
import { type RelayMessage, type RelayTransport, toRelayMessage } from '@chronicle/core/relay';
import { afterAll, describe, expect, it } from 'vitest';
import { createRabbitMqTransport } from '../src/index';
import { BROKER_URL, brokerReachable, createTestExchange, removeNames, uniqueName } from './support/broker';

const opened: RelayTransport[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  for (const cleanup of cleanups) await cleanup();
});

function event(overrides: Partial<DomainEvent> = {}): DomainEvent {
  return {
    eventId: randomUUID(),
    aggregateType: 'Order',
    aggregateId: 'o-1',
    eventType: 'OrderPlaced',
    eventData: { total: 42, lines: ['a', 'b'] },
    schemaVersion: 1,
    version: 3,
    position: 17n,
    occurredAt: new Date('2026-11-30T12:00:00.000Z'),
    correlationId: 'req-9',
    ...overrides,
  };
}
const message = (e: DomainEvent, previousMessageId?: string): RelayMessage =>
  toRelayMessage(e, previousMessageId);
const transport = (options: Parameters<typeof createRabbitMqTransport>[0]) => {
  const t = createRabbitMqTransport(options);
  opened.push(t);
  return t;
};
const abortable = () => new AbortController().signal;

describe.skipIf(!brokerReachable)('RabbitMQ transport', () => {
  it('publishes a persistent message with the event id as message-id, resolving on the confirm', async () => {
    const target = await createTestExchange('props');
    cleanups.push(target.remove);
    const t = transport({ url: BROKER_URL, exchange: target.exchange });
    await t.open(abortable());
    expect(t.connected()).toBe(true);
    const e = event();
    await t.publish(message(e));
    await target.until((r) => r.length === 1, 'the message arrives');
    const [received] = target.received;
    expect(received!.fields.routingKey).toBe('Order.OrderPlaced');
    expect(received!.properties).toMatchObject({
      messageId: e.eventId,
      deliveryMode: 2,
      contentType: 'application/json',
      type: 'OrderPlaced',
      correlationId: 'req-9',
      timestamp: Date.parse('2026-11-30T12:00:00Z') / 1000,
      headers: {
        'chronicle-event-id': e.eventId,
        'chronicle-position': '17',
        'chronicle-version': '3',
        'chronicle-stream': 'Order/o-1',
        'chronicle-event-type': 'OrderPlaced',
        'chronicle-correlation-id': 'req-9',
      },
    });
    expect(JSON.parse(received!.content.toString())).toMatchObject({
      eventId: e.eventId,
      eventData: e.eventData,
    });
  });

  it('sends a message after its predecessor only on the connection that carried the predecessor', async () => {
    const target = await createTestExchange('chain');
    cleanups.push(target.remove);
    const t = transport({ url: BROKER_URL, exchange: target.exchange });
    await t.open(abortable());
    const first = event({ position: 1n });
    const second = event({ position: 2n });
    await t.publish(message(first));
    await t.publish(message(second, first.eventId));
    // A message whose predecessor this connection did not send may be overtaking a lost one: refused.
    await expect(t.publish(message(event({ position: 4n }), 'not-sent-here'))).rejects.toThrow(
      /connection lost after message not-sent-here; the relay re-sends/,
    );
    await target.until((r) => r.length === 2, 'both chained messages arrive');
    expect(target.received.map((m) => m.properties.messageId)).toEqual([first.eventId, second.eventId]);
  });

  it('takes the routing key from the routingKey option', async () => {
    const target = await createTestExchange('key');
    cleanups.push(target.remove);
    const t = transport({
      url: BROKER_URL,
      exchange: target.exchange,
      routingKey: (e) => `events.${e.aggregateId}`,
    });
    await t.open(abortable());
    await t.publish(message(event({ aggregateId: 'o-77' })));
    await target.until((r) => r.length === 1, 'the message arrives');
    expect(target.received[0]!.fields.routingKey).toBe('events.o-77');
  });

  it('rejects an unroutable message (mandatory, the default) and accepts it with mandatory: false', async () => {
    const target = await createTestExchange('unroutable', { bind: false });
    cleanups.push(target.remove);
    const strict = transport({ url: BROKER_URL, exchange: target.exchange });
    await strict.open(abortable());
    const e = event();
    await expect(strict.publish(message(e))).rejects.toMatchObject({
      code: 'RELAY_CONFIGURATION',
      message: expect.stringMatching(/no queue is bound.*mandatory: false/),
    });
    // The channel stays usable after a returned message.
    expect(strict.connected()).toBe(true);
    const lenient = transport({ url: BROKER_URL, exchange: target.exchange, mandatory: false });
    await lenient.open(abortable());
    await expect(lenient.publish(message(e))).resolves.toBeUndefined();
  });

  it('declares the exchange when asked, and says what conflicts with an existing one', async () => {
    const name = uniqueName('declare');
    cleanups.push(() => removeNames({ exchanges: [name] }));
    const declaring = transport({ url: BROKER_URL, exchange: { name, declare: { type: 'topic' } } });
    await declaring.open(abortable());
    const otherType = transport({ url: BROKER_URL, exchange: { name, declare: { type: 'fanout' } } });
    await expect(otherType.open(abortable())).rejects.toMatchObject({
      code: 'RELAY_CONFIGURATION',
      message: expect.stringMatching(
        /exists with other settings.*inequivalent arg 'type'.*received 'fanout' but current is 'topic'/,
      ),
    });
    const transient = transport({
      url: BROKER_URL,
      exchange: { name, declare: { type: 'topic', durable: false } },
    });
    await expect(transient.open(abortable())).rejects.toMatchObject({
      code: 'RELAY_CONFIGURATION',
      message: expect.stringMatching(/inequivalent arg 'durable'/),
    });
    expect(otherType.connected()).toBe(false);
  });

  it.each([
    [
      'a missing exchange',
      { exchange: 'rabbitrelay-does-not-exist' },
      /exchange 'rabbitrelay-does-not-exist' does not exist: declare it/,
    ],
    [
      'an unreachable port',
      { url: 'amqp://guest:guest@127.0.0.1:1' },
      /unreachable at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1.*check the host and port/,
    ],
    [
      'bad credentials',
      { url: 'amqp://guest:wrong@127.0.0.1:5672' },
      /refused the credentials.*check the user name and password/,
    ],
    [
      'a missing virtual host',
      { url: 'amqp://guest:guest@127.0.0.1:5672/rabbitrelay-nohost' },
      /refused the virtual host.*create it/,
    ],
    [
      'a host that does not resolve',
      { url: 'amqp://guest:guest@rabbitrelay.invalid:5672' },
      /does not resolve.*check the host name/,
    ],
  ])('open() rejects %s with RelayConfigurationError saying what to fix', async (_, override, expected) => {
    const t = transport({ url: BROKER_URL, exchange: 'amq.topic', ...override });
    const error = await t.open(abortable()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'RELAY_CONFIGURATION', message: expect.stringMatching(expected) });
    expect((error as Error).message).not.toContain('wrong');
    expect(t.connected()).toBe(false);
  });

  it.each([
    ['a URL of another scheme', { url: 'http://127.0.0.1:5672' }, 'options.url'],
    ['the default exchange', { exchange: '' }, 'options.exchange'],
    [
      'an unknown exchange type',
      { exchange: { name: 'x', declare: { type: 'nope' as 'topic' } } },
      'options.exchange.declare.type',
    ],
    ['a non-integer timeout', { connectTimeoutMs: 1.5 }, 'options.connectTimeoutMs'],
  ])('rejects %s with InvalidArgumentError at creation', (_, override, argument) => {
    const error = (() => {
      try {
        createRabbitMqTransport({ url: BROKER_URL, exchange: 'amq.topic', ...override });
      } catch (e) {
        return e;
      }
    })();
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(error).toMatchObject({ argument });
  });

  it('rejects a routing key longer than AMQP carries, naming the option', async () => {
    const t = transport({ url: BROKER_URL, exchange: 'amq.topic', routingKey: () => 'k'.repeat(256) });
    await t.open(abortable());
    await expect(t.publish(message(event()))).rejects.toMatchObject({
      argument: 'options.routingKey(event)',
    });
  });
});
