import type { DomainEvent } from '@chronicle/core';
import { decodeEventRow } from '@chronicle/core/adapter';
import type { QueryRunner } from './query-runner';

/**
 * The columns every event read selects, named as the kit's `StoredEventFields`, so a row is decoded
 * by name. Values come back as text (see `RAW_TEXT`): PostgreSQL sends plain text and the driver
 * parses nothing; the timestamp travels as epoch milliseconds. `ev` is the events table's alias in
 * every statement that selects them.
 */
export const EVENT_COLUMNS =
  'ev.position, ev.event_id AS "eventId", ev.aggregate_type AS "aggregateType", ' +
  'ev.aggregate_id AS "aggregateId", ev.version, ev.event_type AS "eventType", ' +
  'ev.schema_version AS "schemaVersion", ev.event_data AS "eventData", ev.metadata, ' +
  '(extract(epoch FROM ev.occurred_at) * 1000)::int8 AS "occurredAt", ev.user_id AS "userId", ' +
  'ev.correlation_id AS "correlationId", ev.causation_id AS "causationId"';

/** A stored event as {@link EVENT_COLUMNS} selects it: each value as PostgreSQL's text. */
export interface EventRow {
  readonly position: string;
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: string;
  readonly eventType: string;
  readonly schemaVersion: string;
  readonly eventData: string;
  readonly metadata: string | null;
  readonly occurredAt: string;
  readonly userId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/** Turns an {@link EventRow} into the event every read returns (before upcasting), through the kit. */
export const decodeEvent = (row: EventRow): DomainEvent => decodeEventRow(row);

/** What the `sql/` readers need: the runner, and how a row becomes the event a read returns (decoded, upcast). */
export interface EventReads {
  readonly db: QueryRunner;
  readonly decode: (row: EventRow) => DomainEvent;
}
