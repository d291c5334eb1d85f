import type { ExpectedVersion, StreamRef } from './contract/types';

const ERROR_CODES = [
  'CONCURRENCY',
  'DUPLICATE_EVENT',
  'EVENT_VALIDATION',
  'UPCAST',
  'INVALID_ARGUMENT',
  'STORE_UNAVAILABLE',
  'UNKNOWN_EVENT_TYPE',
  'AGGREGATE_NOT_FOUND',
  'INVALID_DECISION',
  'CHECKPOINT_CONFLICT',
  'PROCESSING_TIMEOUT',
  'REPLICA_LAG',
  'RELAY_CONFIGURATION',
  'PROJECTION',
] as const;

/** The `code` of every error Chronicle throws. Guards match on it, so they work across two installed copies. */
export type EventStoreErrorCode = (typeof ERROR_CODES)[number];

/** Base class of every error Chronicle throws. */
export class EventStoreError extends Error {
  /** A stable, machine-readable code. */
  readonly code: EventStoreErrorCode;

  constructor(code: EventStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

const formatStream = (stream: StreamRef): string => `${stream.aggregateType}/${stream.aggregateId}`;

/**
 * The stream's version did not match the expected version. Reload and retry (see `withRetry`).
 * Carries the **actual** version so the caller can decide without another read.
 */
export class ConcurrencyError extends EventStoreError {
  /** The stream the append targeted. */
  readonly stream: StreamRef;
  /** What the writer expected. */
  readonly expectedVersion: ExpectedVersion;
  /** The stream's version when the append was rejected. */
  readonly actualVersion: number;

  /**
   * Whether a new `ConcurrencyError` captures a stack trace. Default `false`: a conflict is an
   * expected outcome that `withRetry` reloads and retries, and V8's capture was the largest part of
   * a losing append's cost on the client (about 6 µs per error in plain Node, 19 µs under a loader
   * with source maps such as `tsx`; 0.5 µs without it). The message names the stream and both
   * versions, and `stack` holds that message without frames. Set it to `true` while debugging where
   * conflicts come from.
   */
  static captureStacks = false;

  constructor(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    actualVersion: number,
    options?: { cause?: unknown },
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    if (!ConcurrencyError.captureStacks) Error.stackTraceLimit = 0;
    try {
      super(
        'CONCURRENCY',
        `Stream ${formatStream(stream)}: expected version ${String(expectedVersion)}, but the current version is ${actualVersion}`,
        options,
      );
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.stream = { aggregateType: stream.aggregateType, aggregateId: stream.aggregateId };
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** An `eventId` is already stored somewhere the idempotency rule does not allow, or repeats within one append. */
export class DuplicateEventError extends EventStoreError {
  /** The offending event id. */
  readonly eventId: string;
  /** The stream the append targeted. */
  readonly stream: StreamRef;

  constructor(stream: StreamRef, eventId: string, detail: string, options?: { cause?: unknown }) {
    super('DUPLICATE_EVENT', `Append to ${formatStream(stream)}: event id ${eventId} ${detail}`, options);
    this.stream = { aggregateType: stream.aggregateType, aggregateId: stream.aggregateId };
    this.eventId = eventId;
  }
}

/** One reason an event's data failed validation. */
export interface EventViolation {
  /** Index of the event within the append. */
  readonly index: number;
  /** The event's type. */
  readonly eventType: string;
  /** JSON Pointer to the offending value inside `eventData` (`''` for the root). */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/** Event data failed validation against the event-type registry. Nothing was written. */
export class EventValidationError extends EventStoreError {
  /** Every violation found, not only the first. */
  readonly violations: readonly EventViolation[];

  constructor(violations: readonly EventViolation[]) {
    const lines = violations.map((v) => `  #${v.index} ${v.eventType} ${v.path || '/'}: ${v.message}`);
    super('EVENT_VALIDATION', `Event data failed validation:\n${lines.join('\n')}`);
    this.violations = violations;
  }
}

/** An upcaster threw while transforming a stored event. */
export class UpcastError extends EventStoreError {
  /** The event that could not be upcast. */
  readonly eventId: string;
  /** Its stored type. */
  readonly eventType: string;
  /** The schema version the failing step started from. */
  readonly fromSchemaVersion: number;

  constructor(eventId: string, eventType: string, fromSchemaVersion: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('UPCAST', `Upcasting ${eventType} v${fromSchemaVersion} (event ${eventId}) failed: ${reason}`, {
      cause,
    });
    this.eventId = eventId;
    this.eventType = eventType;
    this.fromSchemaVersion = fromSchemaVersion;
  }
}

/** An argument is malformed: a blank id, a negative version, data JSON cannot carry… Nothing was written. */
export class InvalidArgumentError extends EventStoreError {
  /** Which argument, as a path: `'events[2].eventData.items[0]'`. */
  readonly argument: string;

  constructor(argument: string, problem: string) {
    super('INVALID_ARGUMENT', `${argument} ${problem}`);
    this.argument = argument;
  }
}

/**
 * The storage could not be reached or gave up (connection lost, database locked beyond the busy
 * timeout, statement timeout). Whether the append committed is unknown only when `retriable` says so;
 * appends are atomic, so retrying with the same event ids is always safe.
 */
export class StoreUnavailableError extends EventStoreError {
  /** Whether retrying the same call may succeed. */
  readonly retriable: boolean;
  /** True when the store was closed by its owner (`close()`): not a fault, the end of its life. */
  readonly closed: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean; closed?: boolean } = {}) {
    super('STORE_UNAVAILABLE', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? true;
    this.closed = options.closed ?? false;
  }
}

/**
 * A checkpoint save lost its compare-and-set (C6, C7): the stored position was not the `expected`
 * one, or the lease given is no longer current (another instance claimed it). Nothing was written.
 * A processor that meets it stops handling and returns to standby.
 */
export class CheckpointConflictError extends EventStoreError {
  /** The processor whose checkpoint was not saved. */
  readonly processorId: string;
  /** The position the writer expected to be stored (`undefined`: none). */
  readonly expected: bigint | undefined;
  /** The position actually stored (`undefined`: none). */
  readonly actual: bigint | undefined;
  /** The stale lease's token, when the conflict is a superseded lease. */
  readonly leaseToken: bigint | undefined;

  constructor(
    processorId: string,
    detail: { expected: bigint | undefined; actual: bigint | undefined; leaseToken?: bigint },
  ) {
    const show = (p: bigint | undefined) => (p === undefined ? 'none' : `${p}`);
    super(
      'CHECKPOINT_CONFLICT',
      detail.leaseToken === undefined
        ? `Checkpoint of '${processorId}': expected ${show(detail.expected)}, but ${show(detail.actual)} is stored`
        : `Checkpoint of '${processorId}': lease token ${detail.leaseToken} is no longer current (another instance took over)`,
    );
    this.processorId = processorId;
    this.expected = detail.expected;
    this.actual = detail.actual;
    this.leaseToken = detail.leaseToken;
  }
}

/**
 * `Processor.whenProcessed(position)` gave up (C10): the checkpoint did not reach `position` within
 * the time limit, or the processor stopped or failed first (`state` says which).
 */
export class ProcessingTimeoutError extends EventStoreError {
  /** The processor waited on. */
  readonly processorId: string;
  /** The position waited for. */
  readonly position: bigint;
  /** The checkpoint when it gave up (`undefined`: none yet). */
  readonly checkpoint: bigint | undefined;
  /** `'timeout'`, or the processor's state when it ended first (`'stopped'`, `'failed'`). */
  readonly reason: 'timeout' | 'stopped' | 'failed';

  constructor(
    processorId: string,
    position: bigint,
    checkpoint: bigint | undefined,
    reason: 'timeout' | 'stopped' | 'failed',
    timeoutMs: number,
  ) {
    const at = checkpoint === undefined ? 'no checkpoint' : `checkpoint ${checkpoint}`;
    super(
      'PROCESSING_TIMEOUT',
      reason === 'timeout'
        ? `Processor '${processorId}' did not reach position ${position} within ${timeoutMs} ms (${at})`
        : `Processor '${processorId}' ${reason} before reaching position ${position} (${at})`,
    );
    this.processorId = processorId;
    this.position = position;
    this.checkpoint = checkpoint;
    this.reason = reason;
  }
}

/**
 * A read replica did not become visible up to a position in time: the standby had not replayed the
 * commit yet (it is behind, its replay is paused, or it is down). Nothing is wrong with the data;
 * wait longer, or read from the primary.
 */
export class ReplicaLagError extends EventStoreError {
  /** The position waited for. */
  readonly position: bigint;
  /** The replica (its URL without password, or `replica #n` for a pool) that was behind. */
  readonly replica: string;
  /** How long it waited, in ms. */
  readonly timeoutMs: number;

  constructor(replica: string, position: bigint, timeoutMs: number, detail: string) {
    super(
      'REPLICA_LAG',
      `Read replica ${replica} did not reach position ${position} within ${timeoutMs} ms (${detail})`,
    );
    this.position = position;
    this.replica = replica;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A relay cannot work with the broker as configured: it is unreachable, refuses the credentials, a
 * subject or routing key is not valid, the destination is missing or configured against the options.
 * Thrown when the relay starts, before any event is marked as relayed; the message says what to fix.
 */
export class RelayConfigurationError extends EventStoreError {
  /** The transport that refused (`'nats'`, `'rabbitmq'`, …). */
  readonly transport: string;
  /** Which setting to fix, as an option path: `'servers'`, `'stream.replicas'`, `'subjectPrefix'`. */
  readonly setting: string;

  constructor(transport: string, setting: string, problem: string, options?: { cause?: unknown }) {
    super('RELAY_CONFIGURATION', `${transport} relay: ${setting}: ${problem}`, options);
    this.transport = transport;
    this.setting = setting;
  }
}

/**
 * A projection handler threw (or wrote a bad document) while applying an event. For an inline
 * projection the append was rolled back: neither its events nor any document were written. The
 * handler's error is the `cause`.
 */
export class ProjectionError extends EventStoreError {
  /** The projection's name. */
  readonly projection: string;
  /** The projection's version. */
  readonly version: number;
  /** The event being applied. */
  readonly eventId: string;
  /** Its type. */
  readonly eventType: string;

  constructor(
    projection: { readonly name: string; readonly version: number },
    event: { readonly eventId: string; readonly eventType: string },
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'PROJECTION',
      `Projection '${projection.name}' v${projection.version} failed on ${event.eventType} (event ${event.eventId}): ${reason}`,
      { cause },
    );
    this.projection = projection.name;
    this.version = projection.version;
    this.eventId = event.eventId;
    this.eventType = event.eventType;
  }
}

/** Whether `error` carries `code`; internal, shared by every guard. */
export const hasCode = (error: unknown, code: EventStoreErrorCode): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** True for any Chronicle error, matched by shape so it works across two installed copies. */
export const isEventStoreError = (error: unknown): error is EventStoreError =>
  error instanceof Error && (ERROR_CODES as readonly unknown[]).includes((error as { code?: unknown }).code);

/** True when `error` is a {@link ConcurrencyError}. */
export const isConcurrencyError = (error: unknown): error is ConcurrencyError =>
  hasCode(error, 'CONCURRENCY');
/** True when `error` is a {@link DuplicateEventError}. */
export const isDuplicateEventError = (error: unknown): error is DuplicateEventError =>
  hasCode(error, 'DUPLICATE_EVENT');
/** True when `error` is an {@link EventValidationError}. */
export const isEventValidationError = (error: unknown): error is EventValidationError =>
  hasCode(error, 'EVENT_VALIDATION');
/** True when `error` is an {@link UpcastError}. */
export const isUpcastError = (error: unknown): error is UpcastError => hasCode(error, 'UPCAST');
/** True when `error` is an {@link InvalidArgumentError}. */
export const isInvalidArgumentError = (error: unknown): error is InvalidArgumentError =>
  hasCode(error, 'INVALID_ARGUMENT');
/** True when `error` is a {@link StoreUnavailableError}. */
export const isStoreUnavailableError = (error: unknown): error is StoreUnavailableError =>
  hasCode(error, 'STORE_UNAVAILABLE');
/** True when `error` is a {@link CheckpointConflictError}. */
export const isCheckpointConflictError = (error: unknown): error is CheckpointConflictError =>
  hasCode(error, 'CHECKPOINT_CONFLICT');
/** True when `error` is a {@link ProcessingTimeoutError}. */
export const isProcessingTimeoutError = (error: unknown): error is ProcessingTimeoutError =>
  hasCode(error, 'PROCESSING_TIMEOUT');
/** True when `error` is a {@link ReplicaLagError}. */
export const isReplicaLagError = (error: unknown): error is ReplicaLagError => hasCode(error, 'REPLICA_LAG');
/** True when `error` is a {@link RelayConfigurationError}. */
export const isRelayConfigurationError = (error: unknown): error is RelayConfigurationError =>
  hasCode(error, 'RELAY_CONFIGURATION');
/** True when `error` is a {@link ProjectionError}. */
export const isProjectionError = (error: unknown): error is ProjectionError => hasCode(error, 'PROJECTION');
