import type { SubscribableEventStore } from '@chronicle/core';
import { type Relay, type RelayOptions, splitRelayOptions, startRelay } from '@chronicle/core/relay';
import type { RabbitMqTransportOptions } from './rabbitmq-options';
import { createRabbitMqTransport } from './rabbitmq-transport';

/** Options of {@link createRabbitMqRelay}: the broker's (see {@link RabbitMqTransportOptions}) and the relay's. */
export interface RabbitMqRelayOptions extends RabbitMqTransportOptions, RelayOptions {}

/**
 * Starts a relay from `store` to a RabbitMQ exchange: every committed event (matching `filter`) is
 * published in position order as a persistent message on a confirm channel — `message-id` = the
 * event id, routing key `<aggregateType>.<eventType>` unless `routingKey` says otherwise, the
 * `chronicle-*` headers, the whole event as a JSON body — with up to `window` awaiting the broker's
 * confirm, and the checkpoint moves only past what the broker confirmed. While the broker is away
 * the relay retries with backoff, forever, never skipping; after it comes back a few messages may
 * arrive twice, so consumers deduplicate by `message-id` (see `createMessageDeduplicator`).
 *
 * One relay per `id` is active across processes; others stand by and take over when it dies.
 *
 * @throws InvalidArgumentError on malformed options
 * @throws RelayConfigurationError (rejection) when the broker is unreachable, refuses the
 *   credentials or the virtual host, or the exchange is missing or declared differently — before any
 *   event is marked as relayed
 *
 * @example
 * ```ts
 * const relay = await createRabbitMqRelay(store, {
 *   id: 'orders-to-rabbitmq',
 *   url: 'amqp://guest:guest@127.0.0.1:5672',
 *   exchange: { name: 'orders', declare: { type: 'topic' } },
 * });
 * console.log(relay.status().connected, relay.status().lag);
 * await relay.stop();
 * ```
 */
export async function createRabbitMqRelay(
  store: SubscribableEventStore,
  options: RabbitMqRelayOptions,
): Promise<Relay> {
  const { relay, transport } = splitRelayOptions(options);
  return startRelay(store, createRabbitMqTransport(transport), relay);
}
