import type { DomainEvent } from '../contract/types';
import { StoreUnavailableError } from '../errors';
import type { Mutable } from './mutable';

/** An integer as a driver hands it back: a `number`, a `bigint`, or its decimal text. */
export type StoredInteger = number | bigint | string;

/**
 * An instant as a driver hands it back: a `Date`, epoch milliseconds (`number`, `bigint`, or their
 * decimal text, e.g. PostgreSQL's `(extract(epoch FROM t) * 1000)::int8` read as text), or ISO 8601
 * text (PostgreSQL's `timestamptz` text form `2024-01-01 12:00:00.123+00` is read too).
 */
export type StoredInstant = Date | number | bigint | string;

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

const EPOCH_MILLIS = /^-?\d+$/;

/**
 * Turns one stored event into the {@link DomainEvent} a read returns (upcast it afterwards with
 * `pipeline.upcast`). Every adapter decodes through this one function, so positions, versions,
 * timestamps and absent optional fields come out the same whatever the storage.
 *
 * Positions become `bigint` (never rounded), versions `number`, `occurredAt` a fresh `Date` to the
 * millisecond; JSON text is parsed, so each read hands out its own copy.
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

// Each decoder names its field in what it throws; decodeEventRow wraps that in the typed error.

function parseJson(field: string, text: unknown): unknown {
  try {
    return JSON.parse(text as string);
  } catch (cause) {
    throw new Error(`its ${field} is not JSON text (${(cause as Error).message})`, { cause });
  }
}

function toSafeInteger(field: string, value: StoredInteger): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`its ${field} ${String(value)} is not a safe integer`);
  return number;
}

function toPosition(value: StoredInteger): bigint {
  try {
    return BigInt(value);
  } catch (cause) {
    throw new Error(`its position ${String(value)} is not an integer`, { cause });
  }
}

function toDate(value: StoredInstant): Date {
  const millis =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' && !EPOCH_MILLIS.test(value)
        ? Date.parse(value)
        : Number(value);
  if (Number.isNaN(millis)) throw new Error(`its occurredAt ${String(value)} is not an instant`);
  return new Date(millis);
}
