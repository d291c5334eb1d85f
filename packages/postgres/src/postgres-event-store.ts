import { setMaxListeners } from 'node:events';
import { type DomainEvent, InvalidArgumentError, type ReadAllOptions } from '@chronicle/core';
import {
  assertIdentifier,
  assertPosition,
  assertPositiveInteger,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  createEventPipeline,
  createWakeUpEmitter,
  instrumentEventStore,
  mergeWakeUps,
  pagedEvents,
  readEventsByType,
  readStreamPages,
  resolveReadAllOptions,
  type StoreErrorContext,
  storeClosedError,
  subscribeToSource,
  toEventStoreError,
} from '@chronicle/core/adapter';
import { postgresErrorClassifier } from './postgres-errors';
import { listenForCommits } from './postgres-notifications';
import {
  DEFAULT_IN_FLIGHT_WAIT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_SCHEMA,
  DEFAULT_STREAM_PAGE_SIZE,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres-options';
import { createPoolSource, openListenConnection } from './postgres-pool';
import { createPostgresProjectionStorage } from './projection-storage';
import { assertReadReplicas, createReadReplicas } from './replica/read-replicas';
import { MAX_EVENTS_PER_APPEND } from './schema/positions';
import { createSchemaGate } from './schema/schema-gate';
import { assertSchemaName, notificationChannel, quoteIdentifier } from './schema/schema-name';
import { assertSchemaProfile } from './schema/schema-profile';
import { createAppender } from './sql/append';
import { createPostgresCheckpointStore } from './sql/checkpoint-store';
import { createCommitNotifier } from './sql/commit-notifier';
import { decodeEvent, type EventReads } from './sql/event-columns';
import { createEventsOfTypeReader } from './sql/events-by-type';
import { createQueryRunner } from './sql/query-runner';
import { createLogReader } from './sql/read-all';
import { observeReadHorizonAge } from './sql/read-horizon-age';
import { createStreamReader } from './sql/read-stream';
import { createSnapshotStatements } from './sql/snapshots';
import { createPostgresSubscriptionSource, readHorizonHolder } from './sql/subscription-source';

/** How the kit's error rule names this adapter. */
const POSTGRES: StoreErrorContext = { store: 'PostgreSQL' };

/**
 * Creates an {@link EventStore} on PostgreSQL (node-postgres).
 *
 * Appends are one round trip (a PL/pgSQL function) that locks only the target stream's row; a
 * reader following the log with `readAll` never skips an event, even when transactions commit out
 * of order or roll back (see `docs/postgres.md`, "Ordering"). Unless `autoMigrate: false`, the
 * schema is created or upgraded before the first operation.
 *
 * The store is an assembly of role-named parts: `sql/query-runner.ts` sends statements,
 * `sql/append.ts`, `sql/read-stream.ts`, `sql/read-all.ts`, `sql/events-by-type.ts` and
 * `sql/snapshots.ts` hold each statement beside the code that decodes it, `schema/` migrates.
 * Every error a call rejects with passes through the kit's `toEventStoreError` with
 * {@link postgresErrorClassifier}, here and nowhere else.
 *
 * `subscribe()` follows the log with the same horizon-bounded pages as `readAll`
 * (`sql/subscription-source.ts`), woken by this store's own appends, by NOTIFY on a dedicated
 * connection (`postgres-notifications.ts`; off with `listen: false`) and by a poll every
 * `pollIntervalMs` (default 500 ms). `checkpoints` keeps checkpoints, leases (on the server's clock)
 * and parked events in the schema (`sql/checkpoint-store.ts`). See `docs/postgres.md`,
 * "Subscriptions, checkpoints and leases".
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
  if (options.pollIntervalMs !== undefined) assertPositiveInteger(options.pollIntervalMs, 'pollIntervalMs');
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new InvalidArgumentError('options', 'must have exactly one of pool and connectionString');
  }
  if (options.readReplicas !== undefined) assertReadReplicas(options.readReplicas);
  assertSchemaProfile(options.schemaProfile);
  for (const flag of ['listen', 'notify'] as const) {
    const value: unknown = options[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidArgumentError(flag, `must be true or false, got ${typeof value}`);
    }
  }
  const pipeline = createEventPipeline(options);
  const quoted = quoteIdentifier(schema);
  const poolSource = createPoolSource(options);
  const streamPageSize = options.streamPageSize ?? DEFAULT_STREAM_PAGE_SIZE;
  let closed = false;
  const closing = new AbortController();
  // Every live subscription listens for the store closing: there is no leak in having many.
  setMaxListeners(0, closing.signal);
  const classify = postgresErrorClassifier(schema);
  /** The kit's one error rule: whatever a call rejects with is an `EventStoreError` with a code. */
  const toStoreError = (error: unknown, action: string) =>
    toEventStoreError(error, classify, { ...POSTGRES, action });
  const gate = createSchemaGate({
    poolSource,
    schema,
    quoted,
    autoMigrate: options.autoMigrate ?? true,
    schemaProfile: options.schemaProfile,
    definitions: () => pipeline.registry?.definitions() ?? [],
    assertOpen: () => {
      if (closed) throw storeClosedError('PostgreSQL');
    },
    toStoreError,
  });
  const db = createQueryRunner(gate.pool, options.prepareStatements ?? true);
  const reads: EventReads = { db, decode: (row, stream) => pipeline.upcast(decodeEvent(row, stream)) };
  const appender = createAppender(quoted, db);
  const streams = createStreamReader(quoted, reads);
  const eventsOfType = createEventsOfTypeReader(quoted, reads);
  const inFlightWaitMs = options.inFlightWaitMs ?? DEFAULT_IN_FLIGHT_WAIT_MS;
  const prepareStatements = options.prepareStatements ?? true;
  const replicas = createReadReplicas(options.readReplicas ?? [], quoted, db, gate.pool, prepareStatements);
  // The log is read from the standbys when there are any (the primary otherwise): readAll and subscriptions.
  const logDb = options.readReplicas?.length ? replicas.db : db;
  const log = createLogReader(quoted, { ...reads, db: logDb }, inFlightWaitMs);
  const snapshots = createSnapshotStatements(quoted, db);
  /** This store's appends wake its own subscribers at once; other connections' arrive by NOTIFY. */
  const appended = createWakeUpEmitter();
  /** …and other processes' subscribers by a NOTIFY sent after the commit. */
  const notifier =
    options.notify === false
      ? undefined
      : createCommitNotifier(db, notificationChannel(schema), closing.signal);
  const stopObservingHorizon = observeReadHorizonAge(db, schema);

  /**
   * Runs one call through the error rule. Every statement waits at the gate, which refuses after
   * `close()`; validation errors (thrown before any statement) pass through unchanged.
   */
  const guard = async <T>(action: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw toStoreError(error, action);
    }
  };
  const describe = (aggregateType: string, aggregateId: string) => `${aggregateType}/${aggregateId}`;
  const checkpoints = createPostgresCheckpointStore(quoted, db, guard);
  const projections = createPostgresProjectionStorage(quoted, gate.pool, db);
  const subscriptions = createPostgresSubscriptionSource({
    s: quoted,
    db,
    // The loop upcasts once, for every adapter: its pages are decoded only.
    log: createLogReader(quoted, { db: logDb, decode: decodeEvent }, inFlightWaitMs),
    pipeline,
    wakeUps:
      options.listen === false
        ? appended
        : mergeWakeUps(
            appended,
            listenForCommits({
              connect: async () => openListenConnection(await gate.pool()),
              channel: notificationChannel(schema),
              closed: closing.signal,
            }),
          ),
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    closed: closing.signal,
    guard,
  });

  function readAll(options?: ReadAllOptions): AsyncGenerator<DomainEvent> {
    // Options are resolved by the first `next()`, so bad ones reject it rather than the call.
    return pagedEvents(() => {
      const { fromPosition, aggregateTypes, eventTypes, batchSize } = resolveReadAllOptions(options);
      // Upcasters may rename types: the page asks for every stored name that reads as a requested type
      // and keeps the events whose upcast type was requested.
      const filter = { aggregateTypes, eventTypes: eventTypes && pipeline.eventTypeFilter(eventTypes) };
      const fetchPage = log.readAll(fromPosition, batchSize, filter);
      return () => guard('read all', fetchPage);
    });
  }

  const store: PostgresEventStore = {
    schema,

    migrate: gate.migrateNow,

    replicaStatus: () => guard('read replica status', replicas.status),

    async waitForReplicas(position, { timeoutMs = 5_000 } = {}) {
      assertPosition(position, 'position');
      assertPositiveInteger(timeoutMs, 'options.timeoutMs');
      return guard(`wait for replicas to reach ${position}`, () => replicas.waitFor(position, timeoutMs));
    },

    async append(stream, expectedVersion, events) {
      const prepared = pipeline.prepare(stream, expectedVersion, events);
      if (prepared.length > MAX_EVENTS_PER_APPEND) {
        throw new InvalidArgumentError(
          'events',
          `must hold at most ${MAX_EVENTS_PER_APPEND} events per append on PostgreSQL, got ${prepared.length}`,
        );
      }
      const { inline } = pipeline;
      const result = await guard(`append to ${describe(stream.aggregateType, stream.aggregateId)}`, () =>
        // Only a store with inline projections pays for a transaction; others keep the one round trip.
        inline.isEmpty
          ? appender.append(stream, expectedVersion, prepared)
          : projections.appendProjected(stream, expectedVersion, prepared, (tx, stored) =>
              inline.apply(tx, stored.map(pipeline.upcast)),
            ),
      );
      appended.wake();
      notifier?.notify();
      return result;
    },

    async getEvents(aggregateType, aggregateId, fromVersion = 0) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertVersion(fromVersion, 'fromVersion');
      return guard(`read ${describe(aggregateType, aggregateId)}`, () =>
        streams.eventsAfter({ aggregateType, aggregateId }, fromVersion),
      );
    },

    readStream(stream, options) {
      // The kit validates the stream and options (bad ones reject the first `next()` as they are);
      // each page read goes through the error rule.
      return readStreamPages(stream, options, streamPageSize, (request) =>
        guard(`read ${describe(request.stream.aggregateType, request.stream.aggregateId)}`, () =>
          streams.page(request),
        ),
      );
    },

    async getStreamVersion(stream) {
      assertStreamRef(stream);
      return guard(`read ${describe(stream.aggregateType, stream.aggregateId)}`, () =>
        streams.version(stream),
      );
    },

    async getSnapshot(aggregateType, aggregateId) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      return guard(`read snapshot of ${describe(aggregateType, aggregateId)}`, () =>
        snapshots.get(aggregateType, aggregateId),
      );
    },

    async saveSnapshot(snapshot) {
      assertSnapshot(snapshot);
      return guard(`save snapshot of ${describe(snapshot.aggregateType, snapshot.aggregateId)}`, () =>
        snapshots.save(snapshot),
      );
    },

    async getEventsByType(eventType, fromDate) {
      return guard(`read events of type ${eventType}`, () =>
        readEventsByType(pipeline, eventType, fromDate, eventsOfType),
      );
    },

    async getAllEvents(aggregateType, fromPosition = 0n) {
      if (aggregateType !== undefined) assertIdentifier(aggregateType, 'aggregateType');
      assertPosition(fromPosition, 'fromPosition');
      const options: ReadAllOptions =
        aggregateType === undefined
          ? { fromPosition, batchSize: 1000 }
          : { fromPosition, aggregateTypes: [aggregateType], batchSize: 1000 };
      const result: DomainEvent[] = [];
      for await (const event of readAll(options)) result.push(event);
      return result;
    },

    readAll,

    checkpoints,

    projections,

    subscribe: (subscribeOptions) => subscribeToSource(subscriptions, subscribeOptions),

    horizonHolder: () => guard('read the horizon holder', () => readHorizonHolder(db)),

    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      await replicas.close();
      stopObservingHorizon();
      const pool = poolSource.resolved;
      if (pool !== undefined && poolSource.owned) await pool.end();
    },
  };
  return instrumentEventStore(store, {
    adapter: 'postgresql',
    dbSystem: 'postgresql',
    namespace: schema,
    streamPageSize,
    propagateTraceContext: options.propagateTraceContext,
  });
}
