import type { RelayMessage, RelayTransport } from '@chronicle/core/relay';
import { TRANSPORT_NAME } from './configuration-errors';
import { type ConfirmSession, openConfirmSession } from './confirm-session';
import { toOutgoingMessage } from './outgoing-message';
import type { RabbitMqTransportOptions } from './rabbitmq-options';
import { resolveTransportOptions } from './resolve-options';

/**
 * A relay transport to RabbitMQ on amqplib: one connection, one confirm channel, persistent messages
 * to one exchange. `publish` resolves when the broker confirms the message; a nack, a lost connection
 * or — with `mandatory` — a returned message rejects it, and the relay re-sends from there with its
 * backoff. `connected()` is `false` from a drop until the relay's next attempt reconnects.
 *
 * `open()` connects and checks the exchange; a configuration problem (unreachable broker, bad
 * credentials, missing virtual host or exchange, an exchange declared differently) rejects with
 * `RelayConfigurationError` saying what to fix. Malformed options throw `InvalidArgumentError` here.
 *
 * @example
 * ```ts
 * const transport = createRabbitMqTransport({ url: 'amqp://guest:guest@127.0.0.1:5672', exchange: 'orders' });
 * ```
 */
export function createRabbitMqTransport(options: RabbitMqTransportOptions): RelayTransport {
  const resolved = resolveTransportOptions(options);
  let session: ConfirmSession | undefined;
  let opening: Promise<ConfirmSession> | undefined;
  let closed = false;

  /** The live session, or a new one: the messages of one run share one reconnection. */
  const live = (): Promise<ConfirmSession> => {
    if (closed) return Promise.reject(new Error('The RabbitMQ transport is closed'));
    if (session !== undefined && !session.closed) return Promise.resolve(session);
    opening ??= openConfirmSession(resolved)
      .then(async (opened) => {
        if (closed) {
          await opened.close();
          throw new Error('The RabbitMQ transport is closed');
        }
        session = opened;
        return opened;
      })
      .finally(() => {
        opening = undefined;
      });
    return opening;
  };

  return {
    name: TRANSPORT_NAME,
    async open(signal) {
      signal.throwIfAborted();
      await live();
      signal.throwIfAborted();
    },
    async publish(message: RelayMessage) {
      const outgoing = toOutgoingMessage(message, resolved);
      // Only the first message of a run may reconnect. A later one follows its predecessor on the same
      // connection or not at all: had the connection dropped between them, the predecessor may be lost
      // in the dead socket, and sending this one on a new connection would put it on the queue before
      // the predecessor's re-send — out of stream order even after deduplication.
      const { previousMessageId } = message;
      const current = previousMessageId === undefined ? await live() : await (opening ?? session);
      if (
        previousMessageId !== undefined &&
        (current === undefined || current.closed || current.lastSent !== previousMessageId)
      )
        throw new Error(
          `RabbitMQ connection lost after message ${previousMessageId}; the relay re-sends from the first unconfirmed message`,
        );
      await (current as ConfirmSession).publish(outgoing);
    },
    connected: () => session !== undefined && !session.closed,
    async close() {
      closed = true;
      const ending = session;
      session = undefined;
      await opening?.catch(() => undefined);
      await ending?.close();
    },
  };
}
