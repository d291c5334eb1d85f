import type { DomainEvent } from '../contract/types';
import type { RelayMessage } from './relay-contract';

/** The headers every relayed message carries (see {@link RelayMessage.headers}). */
export function relayHeaders(event: DomainEvent): Record<string, string> {
  const headers: Record<string, string> = {
    'chronicle-event-id': event.eventId,
    'chronicle-position': `${event.position}`,
    'chronicle-version': `${event.version}`,
    'chronicle-stream': `${event.aggregateType}/${event.aggregateId}`,
    'chronicle-aggregate-type': event.aggregateType,
    'chronicle-aggregate-id': event.aggregateId,
    'chronicle-event-type': event.eventType,
    'chronicle-schema-version': `${event.schemaVersion}`,
    'chronicle-occurred-at': event.occurredAt.toISOString(),
  };
  if (event.correlationId !== undefined) headers['chronicle-correlation-id'] = event.correlationId;
  if (event.causationId !== undefined) headers['chronicle-causation-id'] = event.causationId;
  if (event.userId !== undefined) headers['chronicle-user-id'] = event.userId;
  if (event.metadata !== undefined) headers['chronicle-metadata'] = JSON.stringify(event.metadata);
  return headers;
}

/** The body of a relayed message: the whole event as JSON, the position as a decimal string. */
export function relayBody(event: DomainEvent): string {
  return JSON.stringify({ ...event, position: `${event.position}` });
}

/**
 * The message for `event`; `previousMessageId` is the id sent just before it in the same run (see
 * {@link RelayMessage.previousMessageId}).
 */
export function toRelayMessage(event: DomainEvent, previousMessageId: string | undefined): RelayMessage {
  return {
    event,
    messageId: event.eventId,
    headers: relayHeaders(event),
    body: relayBody(event),
    previousMessageId,
  };
}
