import type { DomainEvent } from '@chronicle/core';
import {
  isRelayConfigurationError,
  RelayConfigurationError,
  type RelayMessage,
  type RelayTransport,
} from '@chronicle/core/relay';
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  type JetStreamTransportOptions,
  type ResolvedJetStreamOptions,
  resolveJetStreamOptions,
} from './jetstream-options';
import { ensureStream } from './stream-setup';
import { assertPublishSubject, defaultSubject } from './subjects';

/** How long the client waits between reconnect attempts while the server is away, in ms. */
const RECONNECT_WAIT_MS = 250;

/**
 * A relay transport to NATS JetStream (see `@chronicle/core/relay`): connects, checks or creates the
 * stream, and publishes each event with `Nats-Msg-Id` = the event id (the stream's duplicate window
 * drops re-sends after a crash or a lost ack), the Chronicle headers, and `Nats-Expected-Stream`; each
 * publish resolves on the stream's ack. The client reconnects forever; the relay engine retries what
 * was not acked.
 *
 * @throws RelayConfigurationError at once on options that cannot work (a bad subject prefix or stream
 *   name), and from `open()` when the server is unreachable, refuses the credentials, has no
 *   JetStream, or the stream is missing or configured against the options
 *
 * @example
 * ```ts
 * const transport = createJetStreamTransport({
 *   servers: 'nats://127.0.0.1:4222',
 *   stream: { name: 'ORDERS', create: true },
 * });
 * const relay = await startRelay(store, transport, { id: 'orders-to-nats' });
 * ```
 */
export function createJetStreamTransport(options: JetStreamTransportOptions): RelayTransport {
  const o = resolveJetStreamOptions(options);
  let connection: NatsConnection | undefined;
  let client: JetStreamClient | undefined;
  let up = false;
  const subjectOf = subjectDeriver(o);

  return {
    name: 'nats',
    async open() {
      connection = await connectOrExplain(o);
      up = true;
      void watchConnection(connection, (isUp) => {
        up = isUp;
      });
      try {
        const jsm = await jetstreamManager(connection).catch((error: unknown) => {
          throw new RelayConfigurationError(
            'nats',
            'servers',
            `JetStream is not available on ${o.servers.join(', ')} (${errorText(error)}): start nats-server with -js`,
            { cause: error },
          );
        });
        await ensureStream(jsm, o).catch((error: unknown) => {
          if (isRelayConfigurationError(error)) throw error;
          throw new RelayConfigurationError(
            'nats',
            'stream',
            `the stream '${o.stream.name}' could not be set up: ${errorText(error)}`,
            {
              cause: error,
            },
          );
        });
        client = jetstream(connection, { timeout: o.publishTimeoutMs });
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
    },
    async publish(message: RelayMessage) {
      if (client === undefined) throw new Error('The NATS transport is not open');
      const h = headers();
      for (const [key, value] of Object.entries(message.headers)) h.set(key, value);
      const chained = o.strictOrder && message.previousMessageId !== undefined;
      await client.publish(subjectOf(message.event), message.body, {
        msgID: message.messageId,
        headers: h,
        expect: chained
          ? { streamName: o.stream.name, lastMsgID: message.previousMessageId as string }
          : { streamName: o.stream.name },
      });
    },
    connected: () => up,
    async close() {
      up = false;
      const closing = connection;
      connection = undefined;
      client = undefined;
      if (closing !== undefined && !closing.isClosed()) await closing.close();
    },
  };
}

/** Connects, turning the client's errors into what the operator should fix. */
async function connectOrExplain(o: ResolvedJetStreamOptions): Promise<NatsConnection> {
  try {
    return await connect({
      servers: o.servers,
      ...(o.credentials ?? {}),
      timeout: o.connectTimeoutMs,
      name: `chronicle-relay:${o.stream.name}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
    });
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    if (name === 'AuthorizationError' || /authoriz|authentic/i.test(errorText(error))) {
      throw new RelayConfigurationError(
        'nats',
        'credentials',
        `${o.servers.join(', ')} refused the credentials (${errorText(error)}): check user/pass or token`,
        { cause: error },
      );
    }
    throw new RelayConfigurationError(
      'nats',
      'servers',
      `cannot reach NATS at ${o.servers.join(', ')} (${errorText(error)}): check the URL and that nats-server runs`,
      { cause: error },
    );
  }
}

/** Follows the connection's status events so `connected()` answers without a round trip. */
async function watchConnection(connection: NatsConnection, set: (up: boolean) => void): Promise<void> {
  for await (const status of connection.status()) {
    if (status.type === 'disconnect' || status.type === 'close') set(false);
    else if (status.type === 'reconnect') set(true);
  }
}

/**
 * The subject for each event: the `subject` option's, checked, or the default one. Default subjects
 * are memoised per (aggregate type, event type): a relay derives the same few over and over.
 */
function subjectDeriver(o: ResolvedJetStreamOptions): (event: DomainEvent) => string {
  const custom = o.subject;
  if (custom !== undefined) {
    return (event) => {
      const subject = custom(event);
      assertPublishSubject(subject, 'subject');
      return subject;
    };
  }
  const known = new Map<string, string>();
  return (event) => {
    const key = `${event.aggregateType}\u0000${event.eventType}`;
    let subject = known.get(key);
    if (subject === undefined) {
      subject = defaultSubject(o.subjectPrefix, event);
      known.set(key, subject);
    }
    return subject;
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
