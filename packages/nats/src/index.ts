/**
 * `@chronicle/nats`: a relay from a Chronicle store to NATS JetStream, at-least-once, in order, and
 * deduplicated by event id on the stream.
 *
 * @packageDocumentation
 */
export {
  isRelayConfigurationError,
  type Relay,
  RelayConfigurationError,
  type RelayOptions,
  type RelayStatus,
} from '@chronicle/core/relay';
export type {
  JetStreamStreamOptions,
  JetStreamTransportOptions,
  NatsCredentials,
} from './jetstream-options';
export { createJetStreamRelay, type JetStreamRelayOptions } from './jetstream-relay';
export { createJetStreamTransport } from './jetstream-transport';
export { DEFAULT_SUBJECT_PREFIX, defaultSubject, isPublishSubject } from './subjects';
