import type { JsonValue } from '@chronicle/core';
import type Database from 'better-sqlite3';
import { NotImplementedError } from './not-implemented-error';

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

/**
 * A tiny event store over better-sqlite3: append with optimistic locking, read a stream back. A
 * stream is named by its aggregate id alone, in appends and in reads.
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

  constructor(db: Database.Database) {
    this.#db = db;
    // TODO: create the schema with your createSchema() from step 01, and prepare your statements
    //       here once (db.prepare(...)) rather than on every call.
  }

  /**
   * Appends events to a stream, all or none, if the stream is still at `expectedVersion`.
   *
   * @returns the stream's version after the append
   * @throws ConcurrencyError (from @chronicle/core) when the stream is not at `expectedVersion`
   * @throws InvalidArgumentError (from @chronicle/core) when `expectedVersion` is not an integer >= 0
   */
  async append(
    aggregateType: string,
    aggregateId: string,
    expectedVersion: number,
    events: readonly EventInput[],
  ): Promise<number> {
    // TODO: the events get versions expectedVersion + 1, + 2, … and are stored all or none.
    // TODO: if the stream's current version is not expectedVersion, throw
    //       new ConcurrencyError({ aggregateType, aggregateId }, expectedVersion, actualVersion)
    //       and write nothing.
    // TODO: another connection — or another process — may append to the same stream at the same
    //       moment. Checking the version and inserting must not leave a gap in between.
    void [this.#db, aggregateType, aggregateId, expectedVersion, events];
    throw new NotImplementedError(
      '02-append',
      'append events with optimistic locking in MyEventStore.append()',
    );
  }

  /** The stream's events with `version > fromVersion` (default `0`), in version order. */
  async getEvents(aggregateId: string, fromVersion = 0): Promise<StoredEvent[]> {
    // TODO: read the stream back in version order (not occurred_at order), turning rows into
    //       StoredEvents: JSON text back to data, milliseconds back to a Date.
    void [aggregateId, fromVersion];
    throw new NotImplementedError('02-append', 'read a stream back in MyEventStore.getEvents()');
  }

  /** The stream's current version: the version of its last event, `0` when it has none. */
  async getVersion(aggregateId: string): Promise<number> {
    // TODO: the highest version of the stream, or 0.
    void aggregateId;
    throw new NotImplementedError('02-append', 'return the stream version in MyEventStore.getVersion()');
  }
}
