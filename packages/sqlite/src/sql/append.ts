import {
  type AppendResult,
  ConcurrencyError,
  DuplicateEventError,
  type ExpectedVersion,
  type StreamRef,
} from '@chronicle/core';
import {
  type PreparedEvent,
  resolveRepeatedAppend,
  type StoredEventLocation,
  satisfiesExpectedVersion,
} from '@chronicle/core/adapter';
import type { SqliteDatabase } from '../sqlite-driver';
import { uniqueViolationTarget } from '../sqlite-errors';
import type { EventLocationRow, Statements, StreamHeadRow } from './statements';

/**
 * Raised inside the append transaction when an event id is already stored; the transaction is rolled
 * back first, then the idempotency rule decides with the stored locations.
 */
class EventIdTaken extends Error {}

/** Raised inside the append transaction when a version is already taken (see {@link insert}). */
class VersionTaken extends Error {}

/**
 * Appends prepared events to a stream in one `BEGIN IMMEDIATE` transaction: one read of the stream's
 * head, then one prepared insert per event. An event id that is already stored shows up as a refused
 * insert (the events table's no-replace trigger, or its unique index); only then are the stored ids
 * looked up, after the rollback, and {@link resolveRepeatedAppend} decides exactly as the in-memory
 * reference does.
 */
export function appendEvents(
  database: SqliteDatabase,
  statements: Statements,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly PreparedEvent[],
): AppendResult {
  if (events.length === 0) return emptyAppend(statements, stream);
  statements.begin.run();
  try {
    const { result } = writeInTransaction(statements, stream, expectedVersion, events);
    statements.commit.run();
    return result;
  } catch (error) {
    return afterRollback(error, database, statements, stream, expectedVersion, events);
  }
}

/**
 * {@link appendEvents} with inline projections: `project` runs inside the transaction once the events
 * are written (never for a repeated or refused append), and its writes commit with them; a throw
 * rolls everything back. The caller holds the connection (the projection gate) meanwhile.
 */
export async function appendEventsProjected(
  database: SqliteDatabase,
  statements: Statements,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly PreparedEvent[],
  project: (written: AppendResult) => Promise<void>,
): Promise<AppendResult> {
  if (events.length === 0) return emptyAppend(statements, stream);
  statements.begin.run();
  try {
    const { result, written } = writeInTransaction(statements, stream, expectedVersion, events);
    if (written) await project(result);
    statements.commit.run();
    return result;
  } catch (error) {
    return afterRollback(error, database, statements, stream, expectedVersion, events);
  }
}

/** An append of no events: a read on its own is consistent (no transaction, no write lock). */
function emptyAppend(statements: Statements, stream: StreamRef): AppendResult {
  const head = statements.streamHead.get(stream.aggregateType, stream.aggregateId) as
    | StreamHeadRow
    | undefined;
  const lastPosition = head?.position ?? 0n;
  return { nextExpectedVersion: Number(head?.version ?? 0n), firstPosition: lastPosition, lastPosition };
}

/** The append's work inside its open transaction; `written` is false for a repeat answered as such. */
function writeInTransaction(
  statements: Statements,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly PreparedEvent[],
): { result: AppendResult; written: boolean } {
  const head = statements.streamHead.get(stream.aggregateType, stream.aggregateId) as
    | StreamHeadRow
    | undefined;
  const currentVersion = Number(head?.version ?? 0n);
  if (satisfiesExpectedVersion(expectedVersion, currentVersion)) {
    return { result: insert(statements, stream, currentVersion, events), written: true };
  }
  // A repeat of an earlier append fails the version check too: it is answered with the original
  // result, not a conflict. Nothing was written yet, so the look-up sees only committed events. Ids
  // generated for this append cannot be stored: when every id was, there is nothing to look up.
  if (events.every((event) => event.eventIdGenerated)) {
    throw new ConcurrencyError(stream, expectedVersion, currentVersion);
  }
  const stored = locate(statements, events);
  if (stored.some((location) => location !== undefined)) {
    return { result: repeated(stream, expectedVersion, events, stored), written: false };
  }
  throw new ConcurrencyError(stream, expectedVersion, currentVersion);
}

/** Rolls back what is still open, then answers a taken id or version by the contract's rules. */
function afterRollback(
  error: unknown,
  database: SqliteDatabase,
  statements: Statements,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly PreparedEvent[],
): AppendResult {
  // SQLite may already have rolled back (e.g. on a full disk): only roll back what is still open.
  if (database.inTransaction) statements.rollback.run();
  if (error instanceof EventIdTaken) {
    return repeated(stream, expectedVersion, events, locate(statements, events));
  }
  if (error instanceof VersionTaken) {
    const head = statements.streamHead.get(stream.aggregateType, stream.aggregateId) as
      | StreamHeadRow
      | undefined;
    throw new ConcurrencyError(stream, expectedVersion, Number(head?.version ?? 0n), { cause: error.cause });
  }
  throw error;
}

function insert(
  statements: Statements,
  stream: StreamRef,
  currentVersion: number,
  events: readonly PreparedEvent[],
): AppendResult {
  let firstPosition = 0n;
  let lastPosition = 0n;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    try {
      lastPosition = statements.insertEvent.run(
        event.eventId,
        stream.aggregateType,
        stream.aggregateId,
        currentVersion + i + 1,
        event.eventType,
        event.schemaVersion,
        JSON.stringify(event.eventData),
        event.metadata === undefined ? null : JSON.stringify(event.metadata),
        event.occurredAt.getTime(),
        event.userId ?? null,
        event.correlationId ?? null,
        event.causationId ?? null,
      ).lastInsertRowid as bigint;
    } catch (error) {
      const target = uniqueViolationTarget(error);
      if (target === 'events.event_id') throw new EventIdTaken();
      if (target?.includes('events.version')) {
        // Unreachable while every writer takes the write lock before reading the head; kept so that a
        // foreign writer that does not still yields the contract's error rather than a driver error.
        throw new VersionTaken('version taken', { cause: error });
      }
      throw error;
    }
    if (i === 0) firstPosition = lastPosition;
  }
  return { nextExpectedVersion: currentVersion + events.length, firstPosition, lastPosition };
}

function locate(
  statements: Statements,
  events: readonly PreparedEvent[],
): (StoredEventLocation | undefined)[] {
  // One event (W4's losing append) is a plain key look-up, without building and parsing a JSON array.
  const rows = (
    events.length === 1
      ? statements.locateEvent.all(events[0]!.eventId)
      : statements.locateEvents.all(JSON.stringify(events.map((event) => event.eventId)))
  ) as EventLocationRow[];
  const byId = new Map<string, StoredEventLocation>();
  for (const row of rows) {
    byId.set(row.event_id, {
      eventId: row.event_id,
      aggregateType: row.aggregate_type,
      aggregateId: row.aggregate_id,
      version: Number(row.version),
      position: row.position,
    });
  }
  return events.map((event) => byId.get(event.eventId));
}

function repeated(
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly PreparedEvent[],
  stored: readonly (StoredEventLocation | undefined)[],
): AppendResult {
  if (stored.every((location) => location === undefined)) {
    // The id that collided is gone from view, which an append-only table cannot do; say so plainly.
    throw new DuplicateEventError(stream, events[0]!.eventId, 'collided with a stored event id');
  }
  return resolveRepeatedAppend(
    stream,
    expectedVersion,
    events.map((event) => event.eventId),
    stored,
  );
}
