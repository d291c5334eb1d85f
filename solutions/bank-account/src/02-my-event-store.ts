import { randomUUID } from 'node:crypto';
import { ConcurrencyError, InvalidArgumentError, type JsonValue } from '@chronicle/core';
import type Database from 'better-sqlite3';
import { createSchema } from './01-schema';

/** An event to append: what happened and its data; the store fills in the rest. */
export interface EventInput {
  /** What happened, in the past tense: `'MoneyDeposited'`. */
  readonly eventType: string;
  /** The payload, a JSON value. */
  readonly eventData: JsonValue;
  /** The event's id. Default: a fresh UUID. */
  readonly eventId?: string;
  /** When it happened. Default: now. */
  readonly occurredAt?: Date;
  /** Who caused it. */
  readonly userId?: string;
  /** Ties together the events of one request. */
  readonly correlationId?: string;
  /** The event or command that caused this one. */
  readonly causationId?: string;
}

/** An event as stored, with its stream and version. */
export interface StoredEvent {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly aggregateType: string;
  readonly eventType: string;
  readonly eventData: JsonValue;
  /** 1, 2, 3, … within its stream, without gaps. */
  readonly version: number;
  readonly occurredAt: Date;
  readonly userId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

interface EventRow {
  event_id: string;
  aggregate_id: string;
  aggregate_type: string;
  event_type: string;
  event_data: string;
  version: number;
  occurred_at: number;
  user_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/**
 * A tiny event store over better-sqlite3: append with optimistic locking, read a stream back. A
 * stream is named by its aggregate id alone, in appends and reads alike (the lesson's sample appends
 * by id but reads by type + id, so two aggregate types sharing an id would corrupt each other's
 * versions). Chronicle's real stores name a stream by type + id everywhere.
 *
 * @example
 * ```ts
 * const store = new MyEventStore(new Database('bank.sqlite'));
 * const version = await store.append('BankAccount', 'acc-1', 0, [
 *   { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
 * ]); // 1
 * ```
 */
export class MyEventStore {
  readonly #db: Database.Database;
  readonly #currentVersion: Database.Statement<[string], { version: number }>;
  readonly #insert: Database.Statement<[EventRow]>;
  readonly #readStream: Database.Statement<[string, number], EventRow>;

  /** Creates the schema when missing (see step 01) and prepares the statements. */
  constructor(db: Database.Database) {
    this.#db = db;
    createSchema(db);
    this.#currentVersion = db.prepare(
      'SELECT COALESCE(MAX(version), 0) AS version FROM events WHERE aggregate_id = ?',
    );
    this.#insert = db.prepare(
      `INSERT INTO events (event_id, aggregate_id, aggregate_type, event_type, event_data, version,
                           occurred_at, user_id, correlation_id, causation_id)
       VALUES (@event_id, @aggregate_id, @aggregate_type, @event_type, @event_data, @version,
               @occurred_at, @user_id, @correlation_id, @causation_id)`,
    );
    this.#readStream = db.prepare(
      'SELECT * FROM events WHERE aggregate_id = ? AND version > ? ORDER BY version ASC',
    );
  }

  /**
   * Appends events to a stream, all or none, if the stream is still at `expectedVersion`.
   *
   * @returns the stream's version after the append
   * @throws ConcurrencyError when the stream is not at `expectedVersion` (nothing written)
   * @throws InvalidArgumentError when `expectedVersion` is not a non-negative integer
   */
  async append(
    aggregateType: string,
    aggregateId: string,
    expectedVersion: number,
    events: readonly EventInput[],
  ): Promise<number> {
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new InvalidArgumentError(
        'expectedVersion',
        `must be a non-negative integer, got ${expectedVersion}`,
      );
    }
    const rows = events.map(
      (event, i): EventRow => ({
        event_id: event.eventId ?? randomUUID(),
        aggregate_id: aggregateId,
        aggregate_type: aggregateType,
        event_type: event.eventType,
        event_data: JSON.stringify(event.eventData),
        version: expectedVersion + i + 1,
        occurred_at: (event.occurredAt ?? new Date()).getTime(),
        user_id: event.userId ?? null,
        correlation_id: event.correlationId ?? null,
        causation_id: event.causationId ?? null,
      }),
    );
    // Check and insert in ONE transaction that takes the write lock first (BEGIN IMMEDIATE): no
    // other connection or process can append between our version check and our inserts. The
    // lesson's "SELECT MAX, then INSERT" in a plain transaction leaves exactly that gap open. The
    // function is synchronous on purpose: an `await` inside would let other work in between.
    const appendAll = this.#db.transaction(() => {
      const actual = this.#currentVersion.get(aggregateId)?.version ?? 0;
      if (actual !== expectedVersion) {
        throw new ConcurrencyError({ aggregateType, aggregateId }, expectedVersion, actual);
      }
      // Should a row slip through anyway, UNIQUE (aggregate_id, version) rejects it and the
      // transaction rolls back: all or nothing.
      for (const row of rows) this.#insert.run(row);
      return expectedVersion + rows.length;
    });
    return appendAll.immediate();
  }

  /** The stream's events with `version > fromVersion` (default `0`), in version order. */
  async getEvents(aggregateId: string, fromVersion = 0): Promise<StoredEvent[]> {
    return this.#readStream.all(aggregateId, fromVersion).map(toStoredEvent);
  }

  /** The stream's current version: the version of its last event, `0` when it has none. */
  async getVersion(aggregateId: string): Promise<number> {
    return this.#currentVersion.get(aggregateId)?.version ?? 0;
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    aggregateId: row.aggregate_id,
    aggregateType: row.aggregate_type,
    eventType: row.event_type,
    eventData: JSON.parse(row.event_data) as JsonValue,
    version: row.version,
    occurredAt: new Date(row.occurred_at),
    // Absent stays absent (rather than `null`), as in the input.
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
    ...(row.causation_id === null ? {} : { causationId: row.causation_id }),
  };
}
