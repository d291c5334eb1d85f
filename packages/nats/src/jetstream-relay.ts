import type { SubscribableEventStore } from '@chronicle/core';
import { type Relay, type RelayOptions, splitRelayOptions, startRelay } from '@chronicle/core/relay';
import type { JetStreamTransportOptions } from './jetstream-options';
import { createJetStreamTransport } from './jetstream-transport';

/** Options of {@link createJetStreamRelay}: the connection and stream, and the relay's own. */
export interface JetStreamRelayOptions extends JetStreamTransportOptions, RelayOptions {}

/**
 * Starts a relay from `store` to a NATS JetStream stream: every committed event (matching `filter`)
 * is published in position order to `<subjectPrefix>.<aggregateType>.<eventType>` (or `subject(event)`)
 * with `Nats-Msg-Id` = the event id, and the checkpoint moves only after JetStream acked. Resolves once
 * the connection and the stream are checked; one relay per `id` is active across processes.
 *
 * @throws RelayConfigurationError when the server is unreachable, refuses the credentials, or the
 *   stream or subjects do not fit the options — before any event is marked as relayed
 *
 * @example
 * ```ts
 * const relay = await createJetStreamRelay(store, {
 *   id: 'orders-to-nats',
 *   servers: 'nats://127.0.0.1:4222',
 *   stream: { name: 'ORDERS', create: true, duplicateWindowMs: 10 * 60_000 },
 * });
 * await relay.whenRelayed(lastPosition);
 * await relay.stop();
 * ```
 */
export async function createJetStreamRelay(
  store: SubscribableEventStore,
  options: JetStreamRelayOptions,
): Promise<Relay> {
  const { relay, transport } = splitRelayOptions<JetStreamTransportOptions>(options);
  return startRelay(store, createJetStreamTransport(transport), relay);
}
