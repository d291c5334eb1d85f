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

  constructor(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    actualVersion: number,
    options?: { cause?: unknown },
  ) {
    super(
      'CONCURRENCY',
      `Stream ${formatStream(stream)}: expected version ${String(expectedVersion)}, but the current version is ${actualVersion}`,
      options,
    );
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

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super('STORE_UNAVAILABLE', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? true;
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
