import type { RelayMessage } from '@chronicle/core/relay';
import type { OutgoingMessage } from './confirm-session';
import type { ResolvedTransportOptions } from './rabbitmq-options';
import { assertShortString } from './resolve-options';

/**
 * The AMQP message of one relayed event: the relay's body (the whole event as JSON), persistent
 * (delivery mode 2), `message-id` = the event id (the consumers' dedupe key), `type` = the event type, `timestamp` =
 * when it occurred, `correlation-id` when the event has one, and the relay's headers
 * (`chronicle-position`, `-version`, `-stream`, `-event-type`, metadata).
 */
export function toOutgoingMessage(message: RelayMessage, options: ResolvedTransportOptions): OutgoingMessage {
  const { event } = message;
  const routingKey = options.routingKey(event);
  assertShortString(routingKey, 'options.routingKey(event)');
  assertShortString(message.messageId, 'message.messageId');
  return {
    routingKey,
    body: Buffer.from(message.body),
    properties: {
      messageId: message.messageId,
      persistent: true,
      contentType: 'application/json',
      type: event.eventType,
      timestamp: Math.floor(event.occurredAt.getTime() / 1000),
      // RabbitMQ checks the AMQP user-id property against the connection's user, so the event's userId
      // travels in the headers only.
      ...(event.correlationId === undefined ? {} : { correlationId: event.correlationId }),
      headers: { ...message.headers },
    },
  };
}
