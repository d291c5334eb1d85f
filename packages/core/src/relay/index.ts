/**
 * `@chronicle/core/relay`: the broker-neutral relay engine. A broker package (`@chronicle/nats`,
 * `@chronicle/rabbitmq`) supplies a {@link RelayTransport}; `startRelay` publishes every committed
 * event through it in order, pipelined, and checkpoints only what the broker confirmed.
 *
 * @packageDocumentation
 */
export { isRelayConfigurationError, RelayConfigurationError } from '../errors';
export type {
  Relay,
  RelayMessage,
  RelayOptions,
  RelayStatus,
  RelayTransport,
} from './relay-contract';
export { relayBody, relayHeaders, toRelayMessage } from './relay-message';
export {
  DEFAULT_RELAY_BATCH_SIZE,
  DEFAULT_RELAY_CHECKPOINT_INTERVAL_MS,
  DEFAULT_RELAY_WINDOW,
  splitRelayOptions,
} from './relay-options';
export { startRelay } from './start-relay';
