import {
  type CheckpointStore,
  type DomainEvent,
  InvalidArgumentError,
  type StreamRef,
} from '@chronicle/core';
import {
  assertIdentifier,
  assertPosition,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  createEventPipeline,
  decodeSnapshotRow,
  type FetchEventPage,
  instrumentEventStore,
  type ProjectableEventStore,
  pagedEvents,
  readEventsByType,
  readStreamPages,
  resolveReadAllOptions,
  type StoreErrorContext,
  storeClosedError,
  subscribeToSource,
  toEventStoreError,
} from '@chronicle/core/adapter';
import Database from 'better-sqlite3';
import { type ConnectionGate, createConnectionGate } from './projection-gate';
import { createSqliteProjectionStorage } from './projection-storage';
import { upsertEventTypes } from './schema/event-types';
import { migrate } from './schema/migrate';
import { applySchemaProfile } from './schema/schema-profile';
import { appendEvents } from './sql/append';
import { createSqliteCheckpointStore } from './sql/checkpoint-store';
import { toDomainEvent, toStreamEvent } from './sql/rows';
import {
  type EventRow,
  prepareStatements,
  type SnapshotRow,
  type Statements,
  type StreamEventRow,
} from './sql/statements';
import { createSqliteSubscriptionSource } from './sql/subscription-source';
import type { SqliteDatabase } from './sqlite-driver';
import { sqliteErrorClassifier } from './sqlite-errors';
import { resolveConnectionOptions, type SqliteEventStoreOptions } from './sqlite-options';

/**
 * A Chronicle event store on SQLite, subscribable (checkpoints, leases and parked events live in the
 * same file), plus what only SQLite has.
 */
export interface SqliteEventStore extends ProjectableEventStore {
  /**
   * The underlying better-sqlite3 connection, for inspection and backups. Writing to the store's
   * tables through it bypasses the store's checks (the events table still refuses UPDATE and DELETE).
   */
  readonly database: SqliteDatabase;
  /**
   * Copies the write-ahead log into the database file and truncates it (`PRAGMA wal_checkpoint(TRUNCATE)`).
   * SQLite checkpoints on its own; call this before copying the file or after a large import. A no-op
   * for `:memory:`.
   *
   * @returns whether the checkpoint completed (`false` when readers kept part of the log in use)
   */
  checkpoint(): Promise<boolean>;
}

/** How the kit's error rule names this adapter. */
const SQLITE: StoreErrorContext = { store: 'SQLite' };
/** `occurredAt >= fromDate` with no `fromDate`: the earliest instant a `Date` can hold. */
const EARLIEST_MILLIS = -8_640_000_000_000_000;

/**
 * Creates an event store on SQLite through better-sqlite3: a file, `:memory:`, or a connection you
 * opened. Opening applies the schema migrations (safe when several processes open the file at once),
 * switches a file to WAL mode, sets a busy timeout (default 5 s) and `synchronous = FULL` (no committed
 * append is lost on power loss), and records the registry's event types in `event_types`.
 *
 * Appends run in one `BEGIN IMMEDIATE` transaction each, so several processes can share one file: of
 * two appends with the same expected version exactly one succeeds, the other gets `ConcurrencyError`.
 * A lock held beyond the busy timeout surfaces as a retriable `StoreUnavailableError`.
 *
 * `subscribe()` wakes at once on this store's own appends and notices other processes' commits by
 * polling `PRAGMA data_version` every `pollIntervalMs` (default 20 ms). `checkpoints` keeps
 * checkpoints, leases and parked events in the same file, under `BEGIN IMMEDIATE`, so processors with
 * one id in several processes take turns.
 *
 * @throws InvalidArgumentError on malformed options or upcasters
 * @throws StoreUnavailableError when the file cannot be opened, stays locked, or has a newer schema
 *
 * @example
 * ```ts
 * import { createSqliteEventStore } from '@chronicle/sqlite';
 *
 * const store = createSqliteEventStore({ filename: 'events.db' });
 * await store.append({ aggregateType: 'BankAccount', aggregateId: 'acc-1' }, 'no_stream', [
 *   { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
 * ]);
 * await store.close();
 * ```
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'must be { filename } or { database }');
  }
  const { busyTimeoutMs, synchronous, pollIntervalMs, streamPageSize, schemaProfile } =
    resolveConnectionOptions(options);
  const pipeline = createEventPipeline({
    ...(options.upcasters !== undefined && { upcasters: options.upcasters }),
    ...(options.registry !== undefined && { registry: options.registry }),
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.inlineProjections !== undefined && { inlineProjections: options.inlineProjections }),
  });
  const ownsDatabase = options.database === undefined;
  const database = openDatabase(options, busyTimeoutMs);
  const classify = sqliteErrorClassifier({ busyTimeoutMs, filename: database.name });
  /** The kit's one error rule, with SQLite's classifier. */
  const toStoreError = (error: unknown, action?: string) =>
    toEventStoreError(error, classify, action === undefined ? SQLITE : { ...SQLITE, action });

  let statements: Statements;
  try {
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!database.memory) database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    migrate(database);
    if (schemaProfile !== undefined) applySchemaProfile(database, schemaProfile);
    statements = prepareStatements(database);
    const definitions = pipeline.registry?.definitions() ?? [];
    upsertEventTypes(database, statements, definitions, Date.now());
  } catch (error) {
    if (ownsDatabase && database.open) database.close();
    throw toStoreError(error, `open ${database.name}`);
  }

  let closed = false;
  const closing = new AbortController();
  /** Runs one storage call: refuses after `close()` and gives driver errors their typed form. */
  const run = <T>(operation: () => T): T => {
    if (closed) throw storeClosedError('SQLite');
    try {
      return operation();
    } catch (error) {
      throw toStoreError(error);
    }
  };
  // Calls wait while a projection transaction holds the connection (see projection-gate.ts).
  const gate = createConnectionGate(busyTimeoutMs, database.name);
  /** Storage work once no projection transaction holds the connection, through the store's guard. */
  const onConnection = <T>(operation: () => T) => gate.run(() => run(operation));
  /** A read of the log: it waits only while a transaction that writes events holds the connection. */
  const readLog = <T>(operation: () => T) => gate.runLogRead(() => run(operation));
  const projections = createSqliteProjectionStorage({ database, statements, run, toStoreError, gate });
  const checkpoints = gatedMethods(createSqliteCheckpointStore(database, run), gate);
  const subscriptions = createSqliteSubscriptionSource({
    database,
    statements,
    pipeline,
    run,
    closed: closing.signal,
    pollIntervalMs,
  });
  const read = (rows: unknown[]): DomainEvent[] =>
    (rows as EventRow[]).map((row) => pipeline.upcast(toDomainEvent(row)));
  const readOfStream = ({ aggregateType, aggregateId }: StreamRef, rows: unknown[]): DomainEvent[] =>
    (rows as StreamEventRow[]).map((row) => pipeline.upcast(toStreamEvent(row, aggregateType, aggregateId)));

  /**
   * `readAll`'s pages: one query per page, resuming after the last position seen (keyset), so memory
   * stays bounded by `batchSize` and events committed meanwhile are seen by a later page.
   */
  const readAllPages = (options: ReturnType<typeof resolveReadAllOptions>): FetchEventPage => {
    const { fromPosition, aggregateTypes, eventTypes, batchSize } = options;
    const statement =
      aggregateTypes === undefined
        ? eventTypes === undefined
          ? statements.readAllPage
          : statements.readAllPageByEventTypes
        : eventTypes === undefined
          ? statements.readAllPageByAggregateTypes
          : statements.readAllPageByBoth;
    const params: Record<string, unknown> = { after: fromPosition, limit: batchSize };
    if (aggregateTypes !== undefined) params.aggregateTypes = JSON.stringify(aggregateTypes);
    const typeFilter = eventTypes && pipeline.eventTypeFilter(eventTypes);
    if (typeFilter !== undefined) params.eventTypes = JSON.stringify(typeFilter.storedTypes);
    let ended = false;
    return async () => {
      if (ended) return null;
      const events = read(await readLog(() => statement.all(params)));
      ended = events.length < batchSize;
      if (events.length === 0) return null;
      params.after = events[events.length - 1]!.position;
      return typeFilter === undefined ? events : events.filter(typeFilter.matches);
    };
  };

  const store: SqliteEventStore = {
    database,

    async append(stream, expectedVersion, events) {
      const prepared = pipeline.prepare(stream, expectedVersion, events);
      const { inline } = pipeline;
      const result = inline.isEmpty
        ? await onConnection(() => appendEvents(database, statements, stream, expectedVersion, prepared))
        : await projections.appendProjected(stream, expectedVersion, prepared, (tx, stored) =>
            inline.apply(tx, stored.map(pipeline.upcast)),
          );
      // This connection's own commits wake its subscribers at once; other processes' are polled for.
      subscriptions.appended.wake();
      return result;
    },

    async getEvents(aggregateType, aggregateId, fromVersion = 0) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertVersion(fromVersion, 'fromVersion');
      const rows = await readLog(() =>
        statements.streamForward.all(aggregateType, aggregateId, fromVersion, -1),
      );
      return readOfStream({ aggregateType, aggregateId }, rows);
    },

    readStream(stream, options) {
      return readStreamPages(stream, options, streamPageSize, async ({ direction, fromVersion, limit }) => {
        const statement = direction === 'forward' ? statements.streamForward : statements.streamBackward;
        return readOfStream(
          stream,
          await readLog(() => statement.all(stream.aggregateType, stream.aggregateId, fromVersion, limit)),
        );
      });
    },

    async getStreamVersion(stream) {
      assertStreamRef(stream);
      const head = (await readLog(() =>
        statements.streamHead.get(stream.aggregateType, stream.aggregateId),
      )) as { version: bigint } | undefined;
      return Number(head?.version ?? 0n);
    },

    async getSnapshot(aggregateType, aggregateId) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      const row = (await readLog(() => statements.getSnapshot.get(aggregateType, aggregateId))) as
        | SnapshotRow
        | undefined;
      if (row === undefined) return null;
      const { version, schema_version: schemaVersion, state, created_at: createdAt } = row;
      return decodeSnapshotRow({ aggregateType, aggregateId, version, schemaVersion, state, createdAt });
    },

    async saveSnapshot(snapshot) {
      assertSnapshot(snapshot);
      const state = JSON.stringify(snapshot.state);
      await onConnection(() =>
        statements.saveSnapshot.run(
          snapshot.aggregateType,
          snapshot.aggregateId,
          snapshot.version,
          snapshot.schemaVersion,
          state,
          snapshot.createdAt.getTime(),
        ),
      );
    },

    getEventsByType(eventType, fromDate) {
      return readEventsByType(pipeline, eventType, fromDate, async (type, from) => {
        const millis = from?.getTime() ?? EARLIEST_MILLIS;
        return read(await readLog(() => statements.eventsByType.all(type, millis)));
      });
    },

    async getAllEvents(aggregateType, fromPosition = 0n) {
      if (aggregateType !== undefined) assertIdentifier(aggregateType, 'aggregateType');
      assertPosition(fromPosition, 'fromPosition');
      return read(
        await readLog(() =>
          aggregateType === undefined
            ? statements.allEvents.all(fromPosition)
            : statements.allEventsOfAggregateType.all(aggregateType, fromPosition),
        ),
      );
    },

    readAll(options) {
      // Options are resolved by the first `next()`, so bad ones reject it rather than the call.
      return pagedEvents(() => readAllPages(resolveReadAllOptions(options)));
    },

    async checkpoint() {
      return onConnection(() => {
        if (database.memory) return true;
        const [result] = database.pragma('wal_checkpoint(TRUNCATE)') as { busy: number | bigint }[];
        return Number(result?.busy ?? 0) === 0;
      });
    },

    checkpoints,

    projections,

    subscribe: (subscribeOptions) =>
      subscribeToSource(
        {
          ...subscriptions.source,
          readHead: () => gate.runLogRead(subscriptions.source.readHead),
          readPage: (request) => gate.runLogRead(() => subscriptions.source.readPage(request)),
        },
        subscribeOptions,
      ),

    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      if (ownsDatabase && database.open) database.close();
    },
  };
  return instrumentEventStore(store, {
    adapter: 'sqlite',
    dbSystem: 'sqlite',
    namespace: database.name,
    streamPageSize,
    propagateTraceContext: options.propagateTraceContext,
  });
}

/**
 * `store` with each method taking its turn on the connection first. The checkpoint store's methods do
 * all their storage work synchronously once called, so the turn covers all of it.
 */
function gatedMethods(store: CheckpointStore, gate: ConnectionGate): CheckpointStore {
  const gated = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => unknown][]) {
    gated[name] = async (...args: unknown[]) => gate.run(() => method(...args));
  }
  return gated as unknown as CheckpointStore;
}

function openDatabase(options: SqliteEventStoreOptions, busyTimeoutMs: number): SqliteDatabase {
  if (options.database !== undefined) {
    const { database } = options;
    if (typeof database !== 'object' || database === null || typeof database.prepare !== 'function') {
      throw new InvalidArgumentError('options.database', 'must be an open better-sqlite3 Database');
    }
    if (!database.open) throw new InvalidArgumentError('options.database', 'is closed');
    return database;
  }
  const { filename } = options;
  if (typeof filename !== 'string' || filename === '') {
    throw new InvalidArgumentError(
      'options.filename',
      `must be a file path or ':memory:', got ${typeof filename === 'string' ? "''" : String(filename)}`,
    );
  }
  try {
    return new Database(filename, { timeout: busyTimeoutMs });
  } catch (error) {
    // better-sqlite3 reports a missing directory as a plain TypeError before SQLite is asked: the
    // rule makes that a non-retriable StoreUnavailableError too.
    throw toEventStoreError(error, sqliteErrorClassifier({ busyTimeoutMs, filename }), {
      ...SQLITE,
      action: `open ${filename}`,
    });
  }
}
