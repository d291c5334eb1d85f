import type { DomainEvent } from '@chronicle/core';

/**
 * The columns every event read selects, in this order. Rows come back as arrays of text (see
 * `RAW_TEXT`), so PostgreSQL sends plain text and the driver parses nothing: positions become
 * `BigInt`, the timestamp travels as epoch milliseconds, JSON is parsed once.
 */
export const EVENT_COLUMNS =
  'position, event_id, aggregate_type, aggregate_id, version, event_type, event_data, schema_version, ' +
  '(extract(epoch FROM occurred_at) * 1000)::int8, user_id, correlation_id, causation_id, metadata';

/** How many columns {@link EVENT_COLUMNS} selects. */
export const EVENT_COLUMN_COUNT = 13;

/** One event row: every value as PostgreSQL's text, `null` for SQL NULL. */
export type EventRow = readonly (string | null)[];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Turns an event row (starting at column `at`) into a {@link DomainEvent}, before upcasting.
 *
 * @param row - the row, as selected by {@link EVENT_COLUMNS}
 * @param at - index of the `position` column within the row
 */
export function toDomainEvent(row: EventRow, at = 0): DomainEvent {
  const event: Mutable<DomainEvent> = {
    eventId: row[at + 1]!,
    aggregateType: row[at + 2]!,
    aggregateId: row[at + 3]!,
    eventType: row[at + 5]!,
    eventData: JSON.parse(row[at + 6]!),
    schemaVersion: Number(row[at + 7]),
    version: Number(row[at + 4]),
    position: BigInt(row[at]!),
    occurredAt: new Date(Number(row[at + 8])),
  };
  const userId = row[at + 9];
  if (userId != null) event.userId = userId;
  const correlationId = row[at + 10];
  if (correlationId != null) event.correlationId = correlationId;
  const causationId = row[at + 11];
  if (causationId != null) event.causationId = causationId;
  const metadata = row[at + 12];
  if (metadata != null) event.metadata = JSON.parse(metadata);
  return event;
}

const identity = (value: string): string => value;

/**
 * Per-query type parsers that leave every value as the text PostgreSQL sent: the adapter parses
 * what it needs itself, and a pool whose global parsers were customised (int8 as BigInt, dates as
 * strings, …) still reads back the same events.
 */
export const RAW_TEXT = { getTypeParser: () => identity };
