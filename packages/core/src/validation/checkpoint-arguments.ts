import type { Lease, ParkEventInput, SaveCheckpointOptions } from '../contract/consuming';
import { InvalidArgumentError } from '../errors';
import {
  assertIdentifier,
  assertNonNegativeInteger,
  assertPosition,
  assertPositiveInteger,
  describe,
} from './arguments';

/**
 * Validation shared by every `CheckpointStore`, so all adapters reject the same input the same way,
 * before anything is written.
 */

/** Throws {@link InvalidArgumentError} unless `options` is `{ expected, lease? }` with valid members. */
export function assertSaveOptions(options: unknown): asserts options is SaveCheckpointOptions {
  if (typeof options !== 'object' || options === null || !('expected' in options)) {
    throw new InvalidArgumentError('options', 'must be { expected: bigint | undefined, lease? }');
  }
  const { expected, lease } = options as SaveCheckpointOptions;
  if (expected !== undefined) assertPosition(expected, 'options.expected');
  if (lease !== undefined) assertLease(lease, 'options.lease');
}

/** Throws {@link InvalidArgumentError} unless `lease` is a {@link Lease}. */
export function assertLease(lease: unknown, argument = 'lease'): asserts lease is Lease {
  if (typeof lease !== 'object' || lease === null) {
    throw new InvalidArgumentError(argument, `must be a lease from claim(), got ${describe(lease)}`);
  }
  const { processorId, owner, token } = lease as Lease;
  assertIdentifier(processorId, `${argument}.processorId`);
  assertIdentifier(owner, `${argument}.owner`);
  assertPosition(token, `${argument}.token`);
}

/** Throws {@link InvalidArgumentError} unless `ttlMs` is a positive integer number of milliseconds. */
export function assertTtl(ttlMs: unknown, argument = 'ttlMs'): asserts ttlMs is number {
  assertPositiveInteger(ttlMs, argument);
}

/** Throws {@link InvalidArgumentError} unless `event` describes a parked event. */
export function assertParkEvent(event: unknown): asserts event is ParkEventInput {
  if (typeof event !== 'object' || event === null) {
    throw new InvalidArgumentError('event', `must be a parked event, got ${describe(event)}`);
  }
  const e = event as ParkEventInput;
  assertPosition(e.position, 'event.position');
  assertIdentifier(e.eventId, 'event.eventId');
  assertIdentifier(e.eventType, 'event.eventType');
  if (typeof e.error !== 'string') throw new InvalidArgumentError('event.error', 'must be a string');
  assertNonNegativeInteger(e.attempts, 'event.attempts');
}
