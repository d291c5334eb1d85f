import {
  type AppendResult,
  assertDate,
  assertIdentifier,
  assertPosition,
  assertPositiveInteger,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  ConcurrencyError,
  createEventPipeline,
  type DomainEvent,
  type ExpectedVersion,
  InvalidArgumentError,
  type NewEvent,
  type PreparedEvent,
  type ReadAllOptions,
  resolveReadAllOptions,
  resolveReadStreamOptions,
  resolveRepeatedAppend,
  type Snapshot,
  type StoredEventLocation,
  StoreUnavailableError,
  type StreamRef,
} from '@chronicle/core';
import type { PostgresPool, PostgresQueryConfig } from './postgres-driver';
import { isPreparedStatementMismatch, isUniqueViolation, toStoreError } from './postgres-errors';
import {
  DEFAULT_IN_FLIGHT_WAIT_MS,
  DEFAULT_SCHEMA,
  DEFAULT_STREAM_PAGE_SIZE,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres-options';
import { createPoolSource } from './postgres-pool';
import { type MigrationReport, recordEventTypes, runMigrations } from './schema/migrate';
import { MAX_EVENTS_PER_APPEND } from './schema/positions';
import { assertSchemaName, quoteIdentifier } from './schema/schema-name';
import { type EventRow, RAW_TEXT, toDomainEvent } from './sql/event-row';
import { buildStatements, statementName } from './sql/statements';

/** The version a backward read starts below when no bound is given: above any stored version. */
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * Creates an {@link EventStore} on PostgreSQL (node-postgres).
 *
 * Appends are one round trip (a PL/pgSQL function) that locks only the target stream's row; a
 * reader following the log with `readAll` never skips an event, even when transactions commit out
 * of order or roll back (see `docs/postgres.md`, "Ordering"). Unless `autoMigrate: false`, the
 * schema is created or upgraded before the first operation.
 *
 * @example
 * ```ts
 * import { createPostgresEventStore } from '@chronicle/postgres';
 *
 * const store = createPostgresEventStore({ connectionString: process.env.DATABASE_URL! });
 * await store.append({ aggregateType: 'BankAccount', aggregateId: 'acc-1' }, 'no_stream', [
 *   { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
 * ]);
 * await store.close();
 * ```
 *
 * @throws InvalidArgumentError when the schema name or an option is malformed
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): PostgresEventStore {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  assertSchemaName(schema);
  if (options.inFlightWaitMs !== undefined) assertVersion(options.inFlightWaitMs, 'inFlightWaitMs');
  if (options.streamPageSize !== undefined) assertPositiveInteger(options.streamPageSize, 'streamPageSize');
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new InvalidArgumentError('options', 'must have exactly one of pool and connectionString');
  }
  const pipeline = createEventPipeline(options);
  const quoted = quoteIdentifier(schema);
  const sql = buildStatements(quoted);
  const poolSource = createPoolSource(options);
  const autoMigrate = options.autoMigrate ?? true;
  const inFlightWaitMs = options.inFlightWaitMs ?? DEFAULT_IN_FLIGHT_WAIT_MS;
  const streamPageSize = options.streamPageSize ?? DEFAULT_STREAM_PAGE_SIZE;
  let prepareStatements = options.prepareStatements ?? true;
  const definitions = () => pipeline.registry?.definitions() ?? [];
  let ready: Promise<PostgresPool> | undefined;
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new StoreUnavailableError('The PostgreSQL event store is closed', { retriable: false });
  };

  const migrate = async (): Promise<MigrationReport> => {
    assertOpen();
    const pool = await poolSource.get();
    try {
      return await runMigrations(pool, schema, quoted, definitions());
    } catch (error) {
      throw toStoreError(error, 'migrate', schema);
    }
  };

  /** The pool, once the schema is migrated (or the registry recorded) — done once, retried on failure. */
  const open = (): Promise<PostgresPool> => {
    assertOpen();
    ready ??= (async () => {
      const pool = await poolSource.get();
      if (autoMigrate) await migrate();
      else if (definitions().length > 0) {
        try {
          await recordEventTypes(pool, quoted, definitions());
        } catch (error) {
          throw toStoreError(error, 'record event types', schema);
        }
      }
      return pool;
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  /** Runs one statement (prepared by name) and returns its rows as arrays of text; driver errors as thrown. */
  const query = async (text: string, values: readonly unknown[]): Promise<EventRow[]> => {
    const pool = await open();
    if (prepareStatements) {
      try {
        const named = { text, values, name: statementName(text), rowMode: 'array', types: RAW_TEXT } as const;
        return (await pool.query<EventRow>(named)).rows;
      } catch (error) {
        // A transaction-mode pooler (PgBouncer) moved the statement to a server connection that
        // has it already (42P05) or not at all (26000). Both fail before anything runs, so the
        // store switches to unnamed statements for good and sends this one again.
        if (!isPreparedStatementMismatch(error)) throw error;
        prepareStatements = false;
      }
    }
    const unnamed: PostgresQueryConfig = { text, values, rowMode: 'array', types: RAW_TEXT };
    return (await pool.query<EventRow>(unnamed)).rows;
  };

  /** {@link query}, with driver errors turned into Chronicle's (see `toStoreError`). */
  const rows = async (text: string, values: readonly unknown[], action: string): Promise<EventRow[]> => {
    try {
      return await query(text, values);
    } catch (error) {
      throw toStoreError(error, action, schema);
    }
  };

  const upcastRows = (found: readonly EventRow[]): DomainEvent[] =>
    found.map((row) => pipeline.upcast(toDomainEvent(row)));

  const describeStream = (stream: StreamRef): string => `${stream.aggregateType}/${stream.aggregateId}`;

  async function storedLocations(ids: readonly string[]): Promise<(StoredEventLocation | undefined)[]> {
    const found = await rows(sql.storedEventIds, [ids], 'look up event ids');
    const byId = new Map<string, StoredEventLocation>();
    for (const [eventId, aggregateType, aggregateId, version, position] of found) {
      byId.set(eventId!, {
        eventId: eventId!,
        aggregateType: aggregateType!,
        aggregateId: aggregateId!,
        version: Number(version),
        position: BigInt(position!),
      });
    }
    return ids.map((id) => byId.get(id));
  }

  async function append(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): Promise<AppendResult> {
    const prepared = pipeline.prepare(stream, expectedVersion, events);
    assertOpen();
    const action = `append to ${describeStream(stream)}`;
    if (prepared.length === 0) {
      const [head] = await rows(sql.streamHead, [stream.aggregateType, stream.aggregateId], action);
      const lastPosition = head === undefined ? 0n : BigInt(head[1]!);
      return {
        nextExpectedVersion: head === undefined ? 0 : Number(head[0]),
        firstPosition: lastPosition,
        lastPosition,
      };
    }
    if (prepared.length > MAX_EVENTS_PER_APPEND) {
      throw new InvalidArgumentError(
        'events',
        `must hold at most ${MAX_EVENTS_PER_APPEND} events per append on PostgreSQL, got ${prepared.length}`,
      );
    }
    const ids = prepared.map((event) => event.eventId);
    const values = appendParameters(stream, expectedVersion, prepared);
    // A unique violation on event_id means one of these ids was stored concurrently: the
    // idempotency rule then decides, with the stored ids visible. Bounded: a round only repeats when
    // the ids it collided with have vanished again, which a committed event cannot do.
    for (let attempt = 1; ; attempt++) {
      let result: EventRow | undefined;
      try {
        [result] = await query(sql.append, values);
      } catch (error) {
        if (attempt > 3 || !isUniqueViolation(error, 'events_event_id_key')) {
          throw toStoreError(error, action, schema);
        }
      }
      if (result !== undefined && result[0] === 't') {
        return {
          nextExpectedVersion: Number(result[1]),
          firstPosition: BigInt(result[2]!),
          lastPosition: BigInt(result[3]!),
        };
      }
      // The expected version did not hold and none of the ids is stored: a plain conflict.
      if (result !== undefined && result[4] === 'f') {
        throw new ConcurrencyError(stream, expectedVersion, Number(result[1]));
      }
      // An id is taken: the idempotency rule decides first, exactly as the in-memory reference does.
      const stored = await storedLocations(ids);
      if (stored.some((location) => location !== undefined)) {
        return resolveRepeatedAppend(stream, expectedVersion, ids, stored);
      }
      if (result !== undefined) throw new ConcurrencyError(stream, expectedVersion, Number(result[1]));
    }
  }

  async function* readStream(
    stream: StreamRef,
    options?: { fromVersion?: number; direction?: 'forward' | 'backward'; limit?: number },
  ): AsyncGenerator<DomainEvent> {
    assertStreamRef(stream);
    const { fromVersion, direction, limit } = resolveReadStreamOptions(options);
    assertOpen();
    const forward = direction === 'forward';
    let bound = fromVersion ?? (forward ? 0 : NO_UPPER_BOUND);
    let remaining = limit ?? Number.POSITIVE_INFINITY;
    const text = forward ? sql.streamPageForward : sql.streamPageBackward;
    while (remaining > 0) {
      const pageSize = Math.min(streamPageSize, remaining);
      const page = await rows(
        text,
        [stream.aggregateType, stream.aggregateId, bound, pageSize],
        `read ${describeStream(stream)}`,
      );
      for (const row of page) yield pipeline.upcast(toDomainEvent(row));
      if (page.length < pageSize) return;
      remaining -= page.length;
      bound = Number(page[page.length - 1]![4]);
    }
  }

  /**
   * Pages through the log in position order, below the read horizon. When a page comes back short
   * while committed events above the horizon are already visible (older transactions are still in
   * flight), it waits — briefly, with backoff, up to `inFlightWaitMs` — for the horizon to pass
   * them, so a caller reading right after its own append sees it. It never returns a position above
   * the horizon: that is what keeps a follower from skipping a late commit.
   */
  async function* readAll(options?: ReadAllOptions): AsyncGenerator<DomainEvent> {
    const { fromPosition, aggregateTypes, eventTypes, batchSize } = resolveReadAllOptions(options);
    assertOpen();
    const text = sql.readAllPage(aggregateTypes !== undefined, eventTypes !== undefined);
    // Upcasters may rename types: query every stored name that reads as a requested type, then keep
    // the events whose upcast type was requested.
    const typeFilter = eventTypes === undefined ? undefined : pipeline.eventTypeFilter(eventTypes);
    const filters: unknown[] = [];
    if (aggregateTypes !== undefined) filters.push(aggregateTypes);
    if (typeFilter !== undefined) filters.push(typeFilter.storedTypes);
    let cursor = fromPosition;
    let target: bigint | undefined;
    let deadline: number | undefined;
    let pause = 1;
    for (;;) {
      const page = await rows(text, [cursor.toString(), batchSize, ...filters], 'read all');
      const first = page[0];
      if (first === undefined) return;
      const horizon = BigInt(first[0]!);
      target ??= first[1] == null ? 0n : BigInt(first[1]);
      const found = first[2] === null ? 0 : page.length;
      for (let i = 0; i < found; i++) {
        const event = pipeline.upcast(toDomainEvent(page[i]!, 2));
        cursor = event.position;
        if (typeFilter === undefined || typeFilter.matches(event)) yield event;
      }
      if (found === batchSize) continue;
      // Done when no visible event this reader would return lies above the horizon at the start
      // (the head is filtered like the page), or it lies behind the cursor already: a follower that
      // is up to date returns at once, whatever runs elsewhere.
      if (horizon > target || cursor >= target) return;
      deadline ??= Date.now() + inFlightWaitMs;
      if (Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 50);
    }
  }

  return {
    schema,

    async migrate() {
      const report = await migrate();
      // Migrated now: the first operation need not check again.
      ready ??= poolSource.get();
      return report;
    },

    append,

    async getEvents(aggregateType, aggregateId, fromVersion = 0) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertVersion(fromVersion, 'fromVersion');
      assertOpen();
      return upcastRows(
        await rows(
          sql.eventsAfter,
          [aggregateType, aggregateId, fromVersion],
          `read ${aggregateType}/${aggregateId}`,
        ),
      );
    },

    readStream,

    async getStreamVersion(stream) {
      assertStreamRef(stream);
      assertOpen();
      const [row] = await rows(
        sql.streamVersion,
        [stream.aggregateType, stream.aggregateId],
        `read ${describeStream(stream)}`,
      );
      return row === undefined ? 0 : Number(row[0]);
    },

    async getSnapshot(aggregateType, aggregateId) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertOpen();
      const [row] = await rows(
        sql.getSnapshot,
        [aggregateType, aggregateId],
        `read snapshot of ${aggregateType}/${aggregateId}`,
      );
      if (row === undefined) return null;
      return {
        aggregateType,
        aggregateId,
        version: Number(row[0]),
        schemaVersion: Number(row[1]),
        state: JSON.parse(row[2]!),
        createdAt: new Date(Number(row[3])),
      } satisfies Snapshot;
    },

    async saveSnapshot(snapshot) {
      assertSnapshot(snapshot);
      assertOpen();
      await rows(
        sql.saveSnapshot,
        [
          snapshot.aggregateType,
          snapshot.aggregateId,
          snapshot.version,
          snapshot.schemaVersion,
          JSON.stringify(snapshot.state),
          snapshot.createdAt.toISOString(),
        ],
        `save snapshot of ${snapshot.aggregateType}/${snapshot.aggregateId}`,
      );
    },

    async getEventsByType(eventType, fromDate) {
      assertIdentifier(eventType, 'eventType');
      if (fromDate !== undefined) assertDate(fromDate, 'fromDate');
      assertOpen();
      const { storedTypes, matches } = pipeline.eventTypeFilter([eventType]);
      // One stored name (no rename): an ordered scan of the (event_type, position) index; several:
      // the same index for each name, merged in position order.
      const single = storedTypes.length === 1;
      const types = single ? storedTypes[0] : storedTypes;
      const found =
        fromDate === undefined
          ? await rows(
              single ? sql.eventsByType : sql.eventsByTypes,
              [types],
              `read events of type ${eventType}`,
            )
          : await rows(
              single ? sql.eventsByTypeSince : sql.eventsByTypesSince,
              [types, fromDate.toISOString()],
              `read events of type ${eventType}`,
            );
      return upcastRows(found).filter(matches);
    },

    async getAllEvents(aggregateType, fromPosition = 0n) {
      if (aggregateType !== undefined) assertIdentifier(aggregateType, 'aggregateType');
      assertPosition(fromPosition, 'fromPosition');
      const result: DomainEvent[] = [];
      const options: ReadAllOptions =
        aggregateType === undefined
          ? { fromPosition, batchSize: 1000 }
          : { fromPosition, aggregateTypes: [aggregateType], batchSize: 1000 };
      for await (const event of readAll(options)) result.push(event);
      return result;
    },

    readAll,

    async close() {
      if (closed) return;
      closed = true;
      const pool = poolSource.resolved;
      if (pool !== undefined && poolSource.owned) await pool.end();
    },
  };
}

/** The append function's parameters: one array per column, so a batch is one call. */
function appendParameters(
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  prepared: readonly PreparedEvent[],
): unknown[] {
  const expected =
    expectedVersion === 'any'
      ? -1
      : expectedVersion === 'stream_exists'
        ? -2
        : expectedVersion === 'no_stream'
          ? 0
          : expectedVersion;
  const n = prepared.length;
  const eventIds = new Array<string>(n);
  const eventTypes = new Array<string>(n);
  const data = new Array<string>(n);
  const schemaVersions = new Array<number>(n);
  const occurredAt = new Array<string>(n);
  const userIds = new Array<string | null>(n);
  const correlationIds = new Array<string | null>(n);
  const causationIds = new Array<string | null>(n);
  const metadata = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const event = prepared[i]!;
    eventIds[i] = event.eventId;
    eventTypes[i] = event.eventType;
    data[i] = JSON.stringify(event.eventData);
    schemaVersions[i] = event.schemaVersion;
    occurredAt[i] = event.occurredAt.toISOString();
    userIds[i] = event.userId ?? null;
    correlationIds[i] = event.correlationId ?? null;
    causationIds[i] = event.causationId ?? null;
    metadata[i] = event.metadata === undefined ? null : JSON.stringify(event.metadata);
  }
  return [
    stream.aggregateType,
    stream.aggregateId,
    expected,
    eventIds,
    eventTypes,
    data,
    schemaVersions,
    occurredAt,
    userIds,
    correlationIds,
    causationIds,
    metadata,
  ];
}
