import type { DomainEvent, StreamRef } from '@chronicle/core';
import { decodeEventRow } from '@chronicle/core/adapter';
import type { EventRow, StreamEventRow } from './statements';

/**
 * Turns a stored row into the event every read returns (before upcasting), through the adapter
 * kit's decoder: the labelled tuple names each field, the kit decodes them as in every adapter.
 */
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
  return decodeEventRow({
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
  });
}

/** {@link toDomainEvent} for a row of `stream`, read without its aggregate type and id. */
export function toStreamEvent(row: StreamEventRow, { aggregateType, aggregateId }: StreamRef): DomainEvent {
  const [
    position,
    eventId,
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
  return decodeEventRow({
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
  });
}
