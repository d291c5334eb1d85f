import { type ConfirmSession, openConfirmSession } from './confirm-session';
import { toOutgoingMessage } from './outgoing-message';
import type { RabbitMqTransportOptions } from './rabbitmq-options';
import type { RelayMessage, RelayTransport } from './relay-contract';
import { resolveTransportOptions } from './resolve-options';

/**
 * A relay transport to RabbitMQ on amqplib: one connection, one confirm channel, persistent messages
 * to one exchange. `publish` resolves when the broker confirms the message (a nack, a lost
 * connection or — with `mandatory` — a returned message rejects it). After the connection drops, the
 * next `publish` reconnects; until then `connected()` is `false` and publishes reject, so the relay
 * retries them with its backoff.
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

  /** The live session, or a new one: concurrent publishes after a drop share one reconnection. */
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
    name: 'rabbitmq',
    async open(signal) {
      signal.throwIfAborted();
      await live();
      signal.throwIfAborted();
    },
    async publish(message: RelayMessage) {
      const outgoing = toOutgoingMessage(message, resolved);
      const current = await live();
      await current.publish(outgoing);
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
