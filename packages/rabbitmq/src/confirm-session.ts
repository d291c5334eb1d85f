import amqp, { type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import { connectionProblem, exchangeProblem, redactUrl, unroutable } from './configuration-errors';
import type { ResolvedTransportOptions } from './rabbitmq-options';

/** One message ready for the wire. */
export interface OutgoingMessage {
  readonly routingKey: string;
  readonly body: Buffer;
  readonly properties: Options.Publish & { readonly messageId: string };
}

/**
 * One AMQP connection with one confirm channel: publishes and resolves each message on the broker's
 * confirm. It never reconnects; when the connection or channel dies it is `closed` for good, every
 * unconfirmed publish rejects (amqplib fails their callbacks), and the transport opens a new one.
 */
export interface ConfirmSession {
  readonly closed: boolean;
  /** The message id of the last publish issued on this session (`undefined`: none yet). */
  readonly lastSent: string | undefined;
  publish(message: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects, opens a confirm channel and checks (or declares) the exchange. Configuration problems
 * reject with `RelayConfigurationError`; anything else with the client's error.
 */
export async function openConfirmSession(options: ResolvedTransportOptions): Promise<ConfirmSession> {
  let connection: ChannelModel;
  try {
    connection = await amqp.connect(withHeartbeat(options), {
      timeout: options.connectTimeoutMs,
      clientProperties: { connection_name: options.connectionName },
    });
  } catch (error) {
    throw connectionProblem(error, options.url) ?? error;
  }
  let closed = false;
  const markClosed = () => {
    closed = true;
  };
  // Without listeners an 'error' event would crash the process; the close that follows marks the session dead.
  connection.on('error', markClosed);
  connection.on('close', markClosed);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', markClosed);
    channel.on('close', markClosed);
    await verifyExchange(channel, options);
    return confirmingSession(connection, channel, options, () => closed, markClosed);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}

async function verifyExchange(channel: ConfirmChannel, options: ResolvedTransportOptions): Promise<void> {
  const { exchange, declare } = options;
  try {
    if (declare === undefined) await channel.checkExchange(exchange);
    else
      await channel.assertExchange(exchange, declare.type, {
        durable: declare.durable ?? true,
        autoDelete: declare.autoDelete ?? false,
        arguments: declare.arguments,
      });
  } catch (error) {
    throw exchangeProblem(error, exchange, declare !== undefined) ?? error;
  }
}

function confirmingSession(
  connection: ChannelModel,
  channel: ConfirmChannel,
  options: ResolvedTransportOptions,
  isClosed: () => boolean,
  markClosed: () => void,
): ConfirmSession {
  // RabbitMQ sends basic.return before the basic.ack of the same message on the same channel, so the
  // ack callback can tell a returned (unroutable) message from a delivered one.
  const returned = new Set<string>();
  let lastSent: string | undefined;
  channel.on('return', (message: { properties: { messageId?: string } }) => {
    if (message.properties.messageId !== undefined) returned.add(message.properties.messageId);
  });
  return {
    get closed() {
      return isClosed();
    },
    get lastSent() {
      return lastSent;
    },
    publish(message) {
      const { routingKey, body, properties } = message;
      return new Promise<void>((resolve, reject) => {
        if (isClosed()) {
          reject(new Error(`RabbitMQ connection to ${redactUrl(options.url)} is closed`));
          return;
        }
        const confirmed = (error: unknown) => {
          const wasReturned = returned.delete(properties.messageId);
          if (error !== null && error !== undefined)
            reject(
              new Error(`RabbitMQ did not confirm message ${properties.messageId}: ${describe(error)}`, {
                cause: error,
              }),
            );
          else if (wasReturned) reject(unroutable(options.exchange, routingKey, properties.messageId));
          else resolve();
        };
        lastSent = properties.messageId;
        try {
          channel.publish(
            options.exchange,
            routingKey,
            body,
            { ...properties, mandatory: options.mandatory },
            confirmed,
          );
        } catch (error) {
          // amqplib throws synchronously on a channel that closed a moment ago.
          markClosed();
          reject(error);
        }
      });
    },
    async close() {
      markClosed();
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

/** amqplib takes the heartbeat from the URL; an explicit `heartbeat` query parameter wins. */
function withHeartbeat(options: ResolvedTransportOptions): string {
  const url = new URL(options.url);
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(options.heartbeatSeconds));
  return url.toString();
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
