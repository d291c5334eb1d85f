import type { DomainEvent } from '../contract/types';
import { StoreUnavailableError } from '../errors';
import type { Mutable } from './mutable';
import {
  parseJson,
  type StoredInstant,
  type StoredInteger,
  toDate,
  toPosition,
  toSafeInteger,
} from './stored-values';

/**
 * One stored event, field by field, as an adapter read it from storage — before any upcasting.
 * Name your columns (or label your tuple) and hand them over; the kit's {@link decodeEventRow} turns
 * them into the {@link DomainEvent} every read returns, identically in every adapter.
 *
 * - `eventData` and `metadata` are JSON **text** (`json: 'text'`, the default) or values a driver has
 *   already parsed (`json: 'parsed'`, e.g. a `jsonb` column through node-postgres' default parsers).
 * - Optional fields that were not stored are `null` or `undefined`; the event then has **no** such
 *   property (not one holding `undefined`).
 */
export interface StoredEventFields {
  readonly position: StoredInteger;
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: StoredInteger;
  readonly eventType: string;
  readonly schemaVersion: StoredInteger;
  readonly eventData: unknown;
  readonly metadata?: unknown;
  readonly occurredAt: StoredInstant;
  readonly userId?: string | null | undefined;
  readonly correlationId?: string | null | undefined;
  readonly causationId?: string | null | undefined;
}

/** How {@link decodeEventRow} reads `eventData` and `metadata`. */
export interface DecodeOptions {
  /** `'text'` (default): JSON text, parsed here. `'parsed'`: values the driver already parsed, kept. */
  readonly json?: 'text' | 'parsed';
}

/**
 * Turns one stored event into the {@link DomainEvent} a read returns (upcast it afterwards with
 * `pipeline.upcast`). Every adapter decodes through this one function, so positions, versions,
 * timestamps and absent optional fields come out the same whatever the storage.
 *
 * Positions become `bigint` (never rounded), versions `number`, `occurredAt` a fresh `Date` to the
 * millisecond; JSON text is parsed, so each read hands out its own copy.
 *
 * It reads `fields` synchronously and keeps no reference to it, so an adapter may refill one object
 * for every row (the PostgreSQL adapter does, for fewer allocations per event read).
 *
 * @throws StoreUnavailableError (not retriable) when a stored value cannot be decoded — corrupt
 *   storage, not bad input; the message names the event and the field
 *
 * @example
 * ```ts
 * const [position, eventId, aggregateType, aggregateId, version, eventType, schemaVersion,
 *   eventData, metadata, occurredAt, userId, correlationId, causationId] = row;
 * return pipeline.upcast(decodeEventRow({ position, eventId, aggregateType, aggregateId, version,
 *   eventType, schemaVersion, eventData, metadata, occurredAt, userId, correlationId, causationId }));
 * ```
 */
export function decodeEventRow(fields: StoredEventFields, options: DecodeOptions = {}): DomainEvent {
  const parsed = options.json === 'parsed';
  try {
    const event: Mutable<DomainEvent> = {
      eventId: fields.eventId,
      aggregateType: fields.aggregateType,
      aggregateId: fields.aggregateId,
      eventType: fields.eventType,
      eventData: parsed ? fields.eventData : parseJson('eventData', fields.eventData),
      schemaVersion: toSafeInteger('schemaVersion', fields.schemaVersion),
      version: toSafeInteger('version', fields.version),
      position: toPosition(fields.position),
      occurredAt: toDate(fields.occurredAt),
    };
    if (fields.userId != null) event.userId = fields.userId;
    if (fields.correlationId != null) event.correlationId = fields.correlationId;
    if (fields.causationId != null) event.causationId = fields.causationId;
    if (fields.metadata != null) {
      event.metadata = (parsed ? fields.metadata : parseJson('metadata', fields.metadata)) as Record<
        string,
        unknown
      >;
    }
    return event;
  } catch (cause) {
    throw new StoreUnavailableError(
      `Stored event ${String(fields.eventId)} cannot be read: ${(cause as Error).message}`,
      { cause, retriable: false },
    );
  }
}
