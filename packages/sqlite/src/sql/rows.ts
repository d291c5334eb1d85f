import type { DomainEvent } from '@chronicle/core';
import { decodeEventRow } from '@chronicle/core/adapter';
import type { EventRow, StreamEventRow } from './statements';

/**
 * Turns a stored row of the stream `aggregateType`/`aggregateId` into the event every read returns
 * (before upcasting), through the adapter kit's decoder: the labelled tuple names each field, the kit
 * decodes them as in every adapter. An {@link EventRow} starts with the same columns.
 */
export function toStreamEvent(
  row: StreamEventRow | EventRow,
  aggregateType: string,
  aggregateId: string,
): DomainEvent {
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

/** {@link toStreamEvent} for a row that carries its stream. */
export const toDomainEvent = (row: EventRow): DomainEvent => toStreamEvent(row, row[11], row[12]);
