import type { DomainEvent } from '@chronicle/core';
import type { EventRow } from './statements';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Turns a stored row into the event every read returns (before upcasting). */
export function toDomainEvent(row: EventRow): DomainEvent {
  const event: Mutable<DomainEvent> = {
    eventId: row.event_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    eventType: row.event_type,
    eventData: JSON.parse(row.event_data),
    schemaVersion: Number(row.schema_version),
    version: Number(row.version),
    position: row.position,
    occurredAt: new Date(Number(row.occurred_at)),
  };
  if (row.user_id !== null) event.userId = row.user_id;
  if (row.correlation_id !== null) event.correlationId = row.correlation_id;
  if (row.causation_id !== null) event.causationId = row.causation_id;
  if (row.metadata !== null) event.metadata = JSON.parse(row.metadata);
  return event;
}
