import { isRelayConfigurationError, type RelayMessage, type RelayTransport } from '@chronicle/core/relay';
import { TRANSPORT_NAME } from './configuration-errors';
import { type ConfirmSession, type OutgoingMessage, openConfirmSession } from './confirm-session';
import { toOutgoingMessage } from './outgoing-message';
import type { RabbitMqTransportOptions } from './rabbitmq-options';
import { resolveTransportOptions } from './resolve-options';

/**
 * A relay transport to RabbitMQ on amqplib: one connection, one confirm channel, persistent messages
 * to one exchange. `publish` resolves when the broker confirms the message; a nack or a lost
 * connection rejects it, and the relay re-sends from there with its backoff (`connected()` is `false`
 * from a drop until the relay's next attempt reconnects). With `mandatory` (the default), a message
 * no queue receives rejects with `RelayConfigurationError`, which fails the relay before its batch is
 * checkpointed: bind a queue and start it again.
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
  /** Messages of the run that is reconnecting, in the order the relay sent them. */
  let waiting: Waiting[] | undefined;

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

  /**
   * {@link live} for a publish: a broker that is away or refusing connections now is an outage to
   * retry (the engine fails the relay on `RelayConfigurationError`), though the same failure in
   * `open()` is a configuration to fix.
   */
  const reconnect = (): Promise<ConfirmSession> =>
    live().catch((error: unknown) => {
      if (isRelayConfigurationError(error) && error.setting === 'url')
        throw new Error(`RabbitMQ is not reachable now: ${error.message}`, { cause: error });
      throw error;
    });

  /**
   * Publishes on `current`. Only a run's first message (no predecessor) may go out on a connection
   * that did not carry the message before it: had the connection dropped between them, the
   * predecessor may be lost in the dead socket, and this one would reach the queue ahead of the
   * predecessor's re-send — out of stream order even after deduplication. Everything here runs
   * synchronously up to the wire, so the relay's send order is the wire order.
   */
  const send = (current: ConfirmSession, outgoing: OutgoingMessage, previousMessageId: string | undefined) =>
    previousMessageId !== undefined && current.lastSent !== previousMessageId
      ? Promise.reject(lostAfter(previousMessageId))
      : current.publish(outgoing);

  return {
    name: TRANSPORT_NAME,
    async open(signal) {
      signal.throwIfAborted();
      await live();
      signal.throwIfAborted();
    },
    publish(message: RelayMessage) {
      let outgoing: OutgoingMessage;
      try {
        outgoing = toOutgoingMessage(message, resolved);
      } catch (error) {
        return Promise.reject(error);
      }
      const { previousMessageId } = message;
      if (waiting === undefined && session !== undefined && !session.closed)
        return send(session, outgoing, previousMessageId);
      if (waiting === undefined) {
        if (previousMessageId !== undefined) return Promise.reject(lostAfter(previousMessageId));
        const queue: Waiting[] = [];
        waiting = queue;
        void reconnect().then(
          (opened) => {
            waiting = undefined;
            for (const w of queue) w.settle(send(opened, w.outgoing, w.previousMessageId));
          },
          (error: unknown) => {
            waiting = undefined;
            for (const w of queue) w.settle(Promise.reject(error));
          },
        );
      }
      const queue = waiting;
      return new Promise<void>((resolve) => {
        queue.push({ outgoing, previousMessageId, settle: resolve });
      });
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

/** A message waiting for the connection its run is opening. */
interface Waiting {
  readonly outgoing: OutgoingMessage;
  readonly previousMessageId: string | undefined;
  settle(outcome: Promise<void>): void;
}

const lostAfter = (previousMessageId: string) =>
  new Error(
    `RabbitMQ connection lost after message ${previousMessageId}; the relay re-sends from the first unconfirmed message`,
  );
