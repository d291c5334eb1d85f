import type { DomainEvent } from '@chronicle/core';
import type { StoredEvent } from './inspection';

/** An `events` row as both adapters' drivers return it; the adapters differ in three column types. */
export interface EventRow<Position, Time, Json> {
  position: Position;
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  version: number;
  event_type: string;
  schema_version: number;
  event_data: Json;
  metadata: Json | null;
  occurred_at: Time;
  user_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/** How an adapter turns its column types into the CLI's (strings for positions and times, parsed JSON). */
export interface RowDecoders<Position, Time, Json> {
  readonly position: (value: Position) => string;
  readonly time: (value: Time) => string;
  readonly json: (value: Json) => unknown;
}

/** The columns both adapters select for an event (PostgreSQL casts position to text itself). */
export const EVENT_COLUMN_NAMES = `event_id, aggregate_type, aggregate_id, version, event_type, schema_version,
  event_data, metadata, occurred_at, user_id, correlation_id, causation_id`;

/** Maps a row to a {@link StoredEvent}, with the adapter's decoders. */
export function toStoredEvent<P, T, J>(row: EventRow<P, T, J>, decode: RowDecoders<P, T, J>): StoredEvent {
  return {
    position: decode.position(row.position),
    eventId: row.event_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    version: Number(row.version),
    eventType: row.event_type,
    schemaVersion: Number(row.schema_version),
    occurredAt: decode.time(row.occurred_at),
    data: decode.json(row.event_data),
    metadata: row.metadata === null ? null : decode.json(row.metadata),
    userId: row.user_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
  };
}

/** A (possibly upcast) event read through the store, in the CLI's shape. */
export function fromDomainEvent(event: DomainEvent): StoredEvent {
  return {
    position: event.position.toString(),
    eventId: event.eventId,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    version: event.version,
    eventType: event.eventType,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt.toISOString(),
    data: event.eventData,
    metadata: event.metadata ?? null,
    userId: event.userId ?? null,
    correlationId: event.correlationId ?? null,
    causationId: event.causationId ?? null,
  };
}
