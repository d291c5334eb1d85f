/**
 * Every span name, attribute and metric Chronicle emits, in one place (documented in
 * `docs/observability.md`). Database spans follow the OpenTelemetry semantic conventions for
 * database client calls (`db.*`); what they have no name for is `chronicle.*`.
 */

/** The instrumentation scope: the name tracers and meters are acquired under. */
export const INSTRUMENTATION_SCOPE = '@chronicle/core';

/** Span and metric attribute names. */
export const ATTR = {
  /** Semantic conventions (stable): the database system, e.g. `postgresql`, `sqlite`. */
  DB_SYSTEM_NAME: 'db.system.name',
  /** The pre-1.26 name of `db.system.name`, still read by many back ends; both are set. */
  DB_SYSTEM: 'db.system',
  /** Semantic conventions: the schema (PostgreSQL) or the database file (SQLite). */
  DB_NAMESPACE: 'db.namespace',
  /** Semantic conventions: `append`, `readStream`, `readAll`. */
  DB_OPERATION_NAME: 'db.operation.name',
  /** Semantic conventions: the aggregate type (the collection of streams an operation touches). */
  DB_COLLECTION_NAME: 'db.collection.name',
  /** Semantic conventions: an error's class; Chronicle's error `code`, e.g. `CONCURRENCY`. */
  ERROR_TYPE: 'error.type',
  /** The adapter: `in-memory`, `sqlite`, `postgresql`, or a third-party adapter's name. */
  ADAPTER: 'chronicle.adapter',
  STREAM_AGGREGATE_TYPE: 'chronicle.stream.aggregate_type',
  STREAM_AGGREGATE_ID: 'chronicle.stream.aggregate_id',
  /** The append's expected version: a number, or `any` / `no_stream` / `stream_exists`. */
  EXPECTED_VERSION: 'chronicle.expected_version',
  EVENT_COUNT: 'chronicle.event_count',
  /** How an append ended: `ok`, `conflict`, `duplicate` or `error`. */
  APPEND_OUTCOME: 'chronicle.append.outcome',
  POSITION_FIRST: 'chronicle.position.first',
  POSITION_LAST: 'chronicle.position.last',
  NEXT_EXPECTED_VERSION: 'chronicle.next_expected_version',
  /** Exclusive lower bound a read page starts after (a position for readAll, a version for readStream). */
  READ_FROM: 'chronicle.read.from',
  /** The most events the page may hold. */
  READ_PAGE_SIZE: 'chronicle.read.page_size',
  READ_DIRECTION: 'chronicle.read.direction',
  /** `readStream` or `readAll` (metrics). */
  READ_KIND: 'chronicle.read.kind',
  /** `hit` (restored from a snapshot) or `miss` (replayed the whole stream). */
  SNAPSHOT_RESULT: 'chronicle.snapshot.result',
  SNAPSHOT_SAVED: 'chronicle.snapshot.saved',
  PROCESSOR_ID: 'chronicle.processor.id',
  BATCH_THROUGH: 'chronicle.batch.through',
  BATCH_CAUGHT_UP: 'chronicle.batch.caught_up',
  EVENT_ID: 'chronicle.event.id',
  EVENT_TYPE: 'chronicle.event.type',
  EVENT_POSITION: 'chronicle.event.position',
  HANDLER_ATTEMPT: 'chronicle.handler.attempt',
  /** On a failed handler call: the event was parked (its last attempt, `onFailure: 'park'`). */
  HANDLER_PARKED: 'chronicle.handler.parked',
  RELAY_ID: 'chronicle.relay.id',
  /** The transport's name, e.g. `nats`, `rabbitmq`; also `messaging.system`. */
  MESSAGING_SYSTEM: 'messaging.system',
  MESSAGING_BATCH_COUNT: 'messaging.batch.message_count',
  /** `ok` or `error`. */
  OUTCOME: 'chronicle.outcome',
} as const;

/** Span names; database spans are `{operation} {aggregate type}` as the conventions ask. */
export const SPAN = {
  APPEND: 'append',
  READ_STREAM: 'readStream',
  READ_ALL: 'readAll',
  REPOSITORY_LOAD: 'chronicle.repository.load',
  REPOSITORY_SAVE: 'chronicle.repository.save',
  PROCESSOR_BATCH: 'chronicle.processor.batch',
  PROCESSOR_HANDLE: 'chronicle.processor.handle',
  /** A `handleBatch` call (the processor batch hook: relays, projections). */
  PROCESSOR_HANDLE_BATCH: 'chronicle.processor.handle_batch',
  RELAY_PUBLISH: 'chronicle.relay.publish',
} as const;

/** Metric names. */
export const METRIC = {
  APPEND_DURATION: 'chronicle.append.duration',
  EVENTS_APPENDED: 'chronicle.events.appended',
  APPEND_CONFLICTS: 'chronicle.append.conflicts',
  EVENTS_READ: 'chronicle.events.read',
  SNAPSHOT_LOADS: 'chronicle.snapshot.loads',
  PROCESSOR_LAG_EVENTS: 'chronicle.processor.lag.events',
  PROCESSOR_LAG_SECONDS: 'chronicle.processor.lag.seconds',
  PROCESSOR_FAILURES: 'chronicle.processor.failures',
  PROCESSOR_PARKED: 'chronicle.processor.parked',
  RELAY_PUBLISH_DURATION: 'chronicle.relay.publish.duration',
  RELAY_BACKLOG: 'chronicle.relay.backlog',
  POSTGRES_READ_HORIZON_AGE: 'chronicle.postgres.read_horizon.age',
} as const;

/** The metadata keys that carry the producer's trace context (W3C Trace Context header names). */
export const TRACE_CONTEXT_KEYS = ['traceparent', 'tracestate'] as const;

/** Every name Chronicle's telemetry uses: attributes, span names, metric names, metadata keys. */
export const TELEMETRY = {
  scope: INSTRUMENTATION_SCOPE,
  attributes: ATTR,
  spans: SPAN,
  metrics: METRIC,
  traceContextKeys: TRACE_CONTEXT_KEYS,
} as const;
