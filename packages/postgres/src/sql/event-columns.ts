import type { DomainEvent, StreamRef } from '@chronicle/core';
import { decodeEventRow, type Mutable, type StoredEventFields } from '@chronicle/core/adapter';
import type { EventQueryRunner } from './query-runner';

/**
 * The columns a stream read selects, in {@link EventTuple}'s order. A stream read knows its aggregate
 * type and id (they are its parameters), so it does not ask for them: two columns fewer per row to
 * send, slice and keep. The timestamp travels as epoch milliseconds. `ev` is the events table's alias
 * in every statement that selects them.
 */
export const STREAM_EVENT_COLUMNS =
  'ev.position, ev.event_id, ev.version, ev.event_type, ev.schema_version, ev.event_data, ev.metadata, ' +
  '(extract(epoch FROM ev.occurred_at) * 1000)::int8, ev.user_id, ev.correlation_id, ev.causation_id';

/** The columns every other event read selects: {@link STREAM_EVENT_COLUMNS}, then the stream. */
export const EVENT_COLUMNS = `${STREAM_EVENT_COLUMNS}, ev.aggregate_type, ev.aggregate_id`;

/**
 * A stored event as {@link EVENT_COLUMNS} (or, without the last two, {@link STREAM_EVENT_COLUMNS})
 * selects it: a row as an array, each value as PostgreSQL's text (see `RAW_TEXT`). Arrays, not
 * objects: node-postgres then builds no object per row.
 */
export type EventTuple = readonly [
  position: string,
  eventId: string,
  version: string,
  eventType: string,
  schemaVersion: string,
  eventData: string,
  metadata: string | null,
  occurredAt: string,
  userId: string | null,
  correlationId: string | null,
  causationId: string | null,
  aggregateType?: string,
  aggregateId?: string,
];

/** How many columns {@link EVENT_COLUMNS} selects: a page statement's own columns follow them. */
export const EVENT_COLUMN_COUNT = 13;

/**
 * The fields {@link decodeEvent} hands the kit, one object for every row: `decodeEventRow` reads them
 * synchronously and copies what it keeps, so filling this one in place spares a read an object per
 * event — as many allocations as the row arrays themselves, and the scavenges they bring.
 */
const fields: Mutable<StoredEventFields> = {
  position: '',
  eventId: '',
  aggregateType: '',
  aggregateId: '',
  version: '',
  eventType: '',
  schemaVersion: '',
  eventData: null,
  metadata: null,
  occurredAt: '',
  userId: null,
  correlationId: null,
  causationId: null,
};

/**
 * Turns an {@link EventTuple} into the event every read returns (before upcasting), through the kit.
 * `stream` names the stream a stream read asked for; other reads select it.
 */
export function decodeEvent(row: EventTuple, stream?: StreamRef): DomainEvent {
  fields.position = row[0];
  fields.eventId = row[1];
  fields.aggregateType = stream === undefined ? row[11]! : stream.aggregateType;
  fields.aggregateId = stream === undefined ? row[12]! : stream.aggregateId;
  fields.version = row[2];
  fields.eventType = row[3];
  fields.schemaVersion = row[4];
  fields.eventData = row[5];
  fields.metadata = row[6];
  fields.occurredAt = row[7];
  fields.userId = row[8];
  fields.correlationId = row[9];
  fields.causationId = row[10];
  return decodeEventRow(fields);
}

/** What the `sql/` readers need: the runner, and how a row becomes the event a read returns (decoded, upcast). */
export interface EventReads {
  readonly db: EventQueryRunner;
  readonly decode: (row: EventTuple, stream?: StreamRef) => DomainEvent;
}
