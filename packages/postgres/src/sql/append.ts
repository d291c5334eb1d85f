import { type AppendResult, ConcurrencyError, type ExpectedVersion, type StreamRef } from '@chronicle/core';
import { type PreparedEvent, resolveRepeatedAppend, type StoredEventLocation } from '@chronicle/core/adapter';
import { isUniqueViolation } from '../postgres-errors';
import type { BATCH_KEYS } from '../schema/append-function-parts';
import type { QueryRunner } from './query-runner';

/** The append function's answer (see migration 6's `append_events`). */
interface AppendRow {
  /** `'t'` when the events were written. */
  readonly ok: string;
  /** The stream's version afterwards, or its actual version when `ok` is false. */
  readonly stream_version: string;
  readonly first_position: string | null;
  readonly last_position: string | null;
  /** `'t'` when one of the event ids is stored already (only looked at when `ok` is false). */
  readonly ids_stored: string | null;
}

interface StreamHeadRow {
  readonly version: string;
  readonly last_position: string;
}

interface EventLocationRow {
  readonly event_id: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly version: string;
  readonly position: string;
}

/** `append`, for prepared events (validated, at most `MAX_EVENTS_PER_APPEND`). */
export interface Appender {
  append(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly PreparedEvent[],
  ): Promise<AppendResult>;
}

/**
 * The appender for the quoted schema `s`. An append is one round trip: the schema's `append_events`
 * function locks only the stream's row and writes all the events or none. An event id that is
 * already stored is answered by the idempotency rule, exactly as the in-memory reference does.
 * Driver errors are thrown as raised (the store maps them).
 */
export function createAppender(s: string, db: QueryRunner): Appender {
  const append = `SELECT ok, stream_version, first_position, last_position, ids_stored FROM ${s}.append_events($1, $2, $3, $4::timestamptz, $5::jsonb)`;
  const streamHead = `SELECT version, last_position FROM ${s}.streams WHERE aggregate_type = $1 AND aggregate_id = $2`;
  const locateEvents = `SELECT event_id, aggregate_type, aggregate_id, version, position FROM ${s}.events WHERE event_id = ANY($1::text[])`;

  /** Where each of `ids` is stored, `undefined` for those that are not. */
  async function locate(ids: readonly string[]): Promise<(StoredEventLocation | undefined)[]> {
    const byId = new Map<string, StoredEventLocation>();
    for (const row of await db.rows<EventLocationRow>(locateEvents, [ids])) {
      byId.set(row.event_id, {
        eventId: row.event_id,
        aggregateType: row.aggregate_type,
        aggregateId: row.aggregate_id,
        version: Number(row.version),
        position: BigInt(row.position),
      });
    }
    return ids.map((id) => byId.get(id));
  }

  return {
    async append(stream, expectedVersion, events) {
      if (events.length === 0) {
        const [head] = await db.rows<StreamHeadRow>(streamHead, [stream.aggregateType, stream.aggregateId]);
        const lastPosition = head === undefined ? 0n : BigInt(head.last_position);
        const nextExpectedVersion = head === undefined ? 0 : Number(head.version);
        return { nextExpectedVersion, firstPosition: lastPosition, lastPosition };
      }
      const ids = events.map((event) => event.eventId);
      const values = appendParameters(stream, expectedVersion, events);
      // A unique violation on event_id means one of these ids was stored concurrently: the
      // idempotency rule then decides, with the stored ids visible. Bounded: a round only repeats
      // when the ids it collided with have vanished again, which a committed event cannot do.
      for (let attempt = 1; ; attempt++) {
        let result: AppendRow | undefined;
        try {
          [result] = await db.rows<AppendRow>(append, values);
        } catch (error) {
          if (attempt > 3 || !isUniqueViolation(error, 'events_event_id_key')) throw error;
        }
        if (result?.ok === 't') {
          return {
            nextExpectedVersion: Number(result.stream_version),
            firstPosition: BigInt(result.first_position!),
            lastPosition: BigInt(result.last_position!),
          };
        }
        // The expected version did not hold and none of the ids is stored: a plain conflict.
        if (result?.ids_stored === 'f') {
          throw new ConcurrencyError(stream, expectedVersion, Number(result.stream_version));
        }
        // An id is taken: the idempotency rule decides first.
        const stored = await locate(ids);
        if (stored.some((location) => location !== undefined)) {
          return resolveRepeatedAppend(stream, expectedVersion, ids, stored);
        }
        if (result !== undefined) {
          throw new ConcurrencyError(stream, expectedVersion, Number(result.stream_version));
        }
      }
    },
  };
}

/** The append function's `p_expected`: n >= 0 exact version, -1 `'any'`, -2 `'stream_exists'`. */
function expectedParameter(expectedVersion: ExpectedVersion): number {
  if (expectedVersion === 'any') return -1;
  if (expectedVersion === 'stream_exists') return -2;
  return expectedVersion === 'no_stream' ? 0 : expectedVersion;
}

/** One event of the batch, keyed as `BATCH_KEYS` says (literal keys: V8 builds these objects fastest). */
type BatchEvent = { readonly [K in keyof typeof BATCH_KEYS as (typeof BATCH_KEYS)[K]]: unknown };

/**
 * The append function's parameters: the stream, the expected version, the first event's
 * `occurredAt` and the batch as one JSON array, in which an event carries its own `occurredAt` only
 * when it differs from the first one's (the server then parses one timestamp per batch, not one per
 * event). Absent optional fields (`undefined`) are left out by `JSON.stringify` and stored as `NULL`.
 */
function appendParameters(
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly PreparedEvent[],
): unknown[] {
  const occurredAt = events[0]!.occurredAt;
  const usual = occurredAt.getTime();
  const batch = new Array<BatchEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    batch[i] = {
      i: event.eventId,
      t: event.eventType,
      d: event.eventData,
      v: event.schemaVersion,
      o: event.occurredAt.getTime() === usual ? undefined : event.occurredAt.toISOString(),
      u: event.userId,
      c: event.correlationId,
      k: event.causationId,
      m: event.metadata,
    };
  }
  return [
    stream.aggregateType,
    stream.aggregateId,
    expectedParameter(expectedVersion),
    occurredAt.toISOString(),
    JSON.stringify(batch),
  ];
}
