/**
 * `@chronicle/rabbitmq`: relays committed events to a RabbitMQ exchange — persistent messages on a
 * confirm channel, in order, at least once, the checkpoint moved only after the broker confirms.
 *
 * @packageDocumentation
 */
export { createMessageDeduplicator, type MessageDeduplicator } from './message-deduplicator';
export {
  defaultRoutingKey,
  type ExchangeDeclaration,
  type RabbitMqTransportOptions,
} from './rabbitmq-options';
export { createRabbitMqRelay, type RabbitMqRelayOptions } from './rabbitmq-relay';
export { createRabbitMqTransport } from './rabbitmq-transport';
