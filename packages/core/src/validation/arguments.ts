import { newEventId } from '../append/event-id';
import type {
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  Snapshot,
  StreamRef,
} from '../contract/types';
import { DuplicateEventError, InvalidArgumentError } from '../errors';
import { assertJsonValue } from './json';

/** The longest aggregate type, aggregate id, event type or event id a store accepts. */
export const MAX_IDENTIFIER_LENGTH = 255;

/**
 * An event after validation, with every default filled in: what an adapter writes.
 * `eventData` and `metadata` are already proven to round-trip through JSON.
 */
export interface PreparedEvent {
  readonly eventId: string;
  /**
   * Whether `eventId` was generated here (the caller gave none): a fresh random UUID cannot be stored
   * yet, so an adapter can skip the idempotency look-up for it on a version conflict.
   */
  readonly eventIdGenerated: boolean;
  readonly eventType: string;
  readonly eventData: unknown;
  readonly schemaVersion: number;
  readonly occurredAt: Date;
  readonly userId: string | undefined;
  readonly correlationId: string | undefined;
  readonly causationId: string | undefined;
  readonly metadata: Record<string, unknown> | undefined;
}

/**
 * Throws {@link InvalidArgumentError} unless `value` is a non-blank string of at most
 * {@link MAX_IDENTIFIER_LENGTH} characters without U+0000.
 */
export function assertIdentifier(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(argument, `must be a string, got ${describe(value)}`);
  if (value.trim() === '') throw new InvalidArgumentError(argument, 'must not be empty or blank');
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `must be at most ${MAX_IDENTIFIER_LENGTH} characters, got ${value.length}`,
    );
  }
  if (value.includes('\u0000')) throw new InvalidArgumentError(argument, 'must not contain U+0000');
  if (!value.isWellFormed())
    throw new InvalidArgumentError(argument, 'must not contain a lone UTF-16 surrogate');
}

/** Throws {@link InvalidArgumentError} unless `stream` names a stream by aggregate type and id. */
export function assertStreamRef(stream: unknown, argument = 'stream'): asserts stream is StreamRef {
  if (typeof stream !== 'object' || stream === null) {
    throw new InvalidArgumentError(
      argument,
      `must be { aggregateType, aggregateId }, got ${describe(stream)}`,
    );
  }
  const { aggregateType, aggregateId } = stream as Partial<StreamRef>;
  assertIdentifier(aggregateType, `${argument}.aggregateType`);
  assertIdentifier(aggregateId, `${argument}.aggregateId`);
}

/**
 * Throws {@link InvalidArgumentError} unless `value` is a non-negative safe integer: a count, a limit,
 * a duration in ms.
 */
export function assertNonNegativeInteger(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(argument, `must be a non-negative integer, got ${describe(value)}`);
  }
}

/**
 * Throws {@link InvalidArgumentError} unless `value` is a stream version (`0` before the first event):
 * a non-negative safe integer. For limits and durations use {@link assertNonNegativeInteger}.
 */
export function assertVersion(value: unknown, argument: string): asserts value is number {
  assertNonNegativeInteger(value, argument);
}

/** Throws {@link InvalidArgumentError} unless `value` is a valid {@link ExpectedVersion}. */
export function assertExpectedVersion(
  value: unknown,
  argument = 'expectedVersion',
): asserts value is ExpectedVersion {
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return;
  if (typeof value === 'string') {
    throw new InvalidArgumentError(
      argument,
      `must be a version or 'any', 'no_stream', 'stream_exists', got '${value}'`,
    );
  }
  assertVersion(value, argument);
}

/**
 * Validates an append's arguments and fills in every default, so all adapters reject bad input the
 * same way and write exactly the same thing. Throws before anything is written.
 *
 * @throws InvalidArgumentError on a malformed stream, expected version or event
 * @throws DuplicateEventError when two events of the batch share an `eventId`
 */
export function prepareAppend(
  stream: unknown,
  expectedVersion: unknown,
  events: unknown,
  now: () => Date = () => new Date(),
): PreparedEvent[] {
  assertStreamRef(stream);
  assertExpectedVersion(expectedVersion);
  if (!Array.isArray(events))
    throw new InvalidArgumentError('events', `must be an array, got ${describe(events)}`);
  const seen = new Set<string>();
  const prepared: PreparedEvent[] = [];
  let defaultTime: Date | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = prepareEvent(events[i], `events[${i}]`, () => {
      defaultTime ??= now();
      return defaultTime;
    });
    if (seen.has(event.eventId)) {
      throw new DuplicateEventError(stream, event.eventId, `appears twice in one append (events[${i}])`);
    }
    seen.add(event.eventId);
    prepared.push(event);
  }
  return prepared;
}

function prepareEvent(event: unknown, argument: string, now: () => Date): PreparedEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidArgumentError(argument, `must be an event object, got ${describe(event)}`);
  }
  const e = event as NewEvent;
  assertIdentifier(e.eventType, `${argument}.eventType`);
  if (!('eventData' in e)) throw new InvalidArgumentError(`${argument}.eventData`, 'is missing');
  assertJsonValue(e.eventData, `${argument}.eventData`);
  const eventIdGenerated = e.eventId === undefined || e.eventId === null;
  const eventId = eventIdGenerated ? newEventId() : e.eventId;
  assertIdentifier(eventId, `${argument}.eventId`);
  const schemaVersion = e.schemaVersion ?? 1;
  assertPositiveInteger(schemaVersion, `${argument}.schemaVersion`);
  const occurredAt = e.occurredAt ?? now();
  assertDate(occurredAt, `${argument}.occurredAt`);
  for (const key of ['userId', 'correlationId', 'causationId'] as const) {
    if (e[key] !== undefined) assertIdentifier(e[key], `${argument}.${key}`);
  }
  if (e.metadata !== undefined) {
    if (typeof e.metadata !== 'object' || e.metadata === null || Array.isArray(e.metadata)) {
      throw new InvalidArgumentError(
        `${argument}.metadata`,
        `must be a plain object, got ${describe(e.metadata)}`,
      );
    }
    assertJsonValue(e.metadata, `${argument}.metadata`);
  }
  return {
    eventId,
    eventIdGenerated,
    eventType: e.eventType,
    eventData: e.eventData,
    schemaVersion,
    occurredAt: new Date(occurredAt.getTime()),
    userId: e.userId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    metadata: e.metadata,
  };
}

/** Throws {@link InvalidArgumentError} unless `value` is a positive safe integer. */
export function assertPositiveInteger(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, `must be a positive integer, got ${describe(value)}`);
  }
}

/** Throws {@link InvalidArgumentError} unless `value` is a valid `Date`. */
export function assertDate(value: unknown, argument: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(argument, `must be a valid Date, got ${describe(value)}`);
  }
}

/** Throws {@link InvalidArgumentError} unless `value` is a non-negative `bigint` position. */
export function assertPosition(value: unknown, argument: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n) {
    throw new InvalidArgumentError(argument, `must be a non-negative bigint, got ${describe(value)}`);
  }
}

/** Validates `readStream` options and resolves their defaults. */
export function resolveReadStreamOptions(options: ReadStreamOptions | undefined): {
  fromVersion: number | undefined;
  direction: 'forward' | 'backward';
  limit: number | undefined;
} {
  const { fromVersion, direction = 'forward', limit } = options ?? {};
  if (fromVersion !== undefined) assertVersion(fromVersion, 'options.fromVersion');
  if (direction !== 'forward' && direction !== 'backward') {
    throw new InvalidArgumentError(
      'options.direction',
      `must be 'forward' or 'backward', got ${describe(direction)}`,
    );
  }
  if (limit !== undefined) assertNonNegativeInteger(limit, 'options.limit');
  return { fromVersion, direction, limit };
}

/** The page size `readAll` uses when none is given. */
export const DEFAULT_READ_ALL_BATCH_SIZE = 500;

/** Validates `readAll` options and resolves their defaults. */
export function resolveReadAllOptions(options: ReadAllOptions | undefined): {
  fromPosition: bigint;
  aggregateTypes: readonly string[] | undefined;
  eventTypes: readonly string[] | undefined;
  batchSize: number;
} {
  const {
    fromPosition = 0n,
    aggregateTypes,
    eventTypes,
    batchSize = DEFAULT_READ_ALL_BATCH_SIZE,
  } = options ?? {};
  assertPosition(fromPosition, 'options.fromPosition');
  assertIdentifierList(aggregateTypes, 'options.aggregateTypes');
  assertIdentifierList(eventTypes, 'options.eventTypes');
  assertPositiveInteger(batchSize, 'options.batchSize');
  return { fromPosition, aggregateTypes, eventTypes, batchSize };
}

/** Throws {@link InvalidArgumentError} unless `value` is undefined or an array of identifiers. */
export function assertIdentifierList(value: unknown, argument: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value))
    throw new InvalidArgumentError(argument, `must be an array, got ${describe(value)}`);
  value.forEach((item, i) => {
    assertIdentifier(item, `${argument}[${i}]`);
  });
}

/** Throws {@link InvalidArgumentError} unless `snapshot` is well-formed; its state must be JSON. */
export function assertSnapshot(snapshot: unknown): asserts snapshot is Snapshot {
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw new InvalidArgumentError('snapshot', `must be a snapshot object, got ${describe(snapshot)}`);
  }
  const s = snapshot as Snapshot;
  assertIdentifier(s.aggregateType, 'snapshot.aggregateType');
  assertIdentifier(s.aggregateId, 'snapshot.aggregateId');
  assertPositiveInteger(s.version, 'snapshot.version');
  assertPositiveInteger(s.schemaVersion, 'snapshot.schemaVersion');
  assertJsonValue(s.state, 'snapshot.state');
  assertDate(s.createdAt, 'snapshot.createdAt');
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
