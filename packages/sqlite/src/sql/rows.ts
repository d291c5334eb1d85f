import type { DomainEvent } from '@chronicle/core';
import type { EventRow } from './statements';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Turns a stored row into the event every read returns (before upcasting). */
export function toDomainEvent(row: EventRow): DomainEvent {
  const [
    position,
    eventId,
    aggregateType,
    aggregateId,
    version,
    eventType,
    schemaVersion,
    eventData,
    metadata,
    occurredAt,
    userId,
    correlationId,
    causationId,
  ] = row;
  const event: Mutable<DomainEvent> = {
    eventId,
    aggregateType,
    aggregateId,
    eventType,
    eventData: JSON.parse(eventData),
    schemaVersion: Number(schemaVersion),
    version: Number(version),
    position,
    occurredAt: new Date(Number(occurredAt)),
  };
  if (userId !== null) event.userId = userId;
  if (correlationId !== null) event.correlationId = correlationId;
  if (causationId !== null) event.causationId = causationId;
  if (metadata !== null) event.metadata = JSON.parse(metadata);
  return event;
}
