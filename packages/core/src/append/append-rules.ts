import type { AppendResult, ExpectedVersion, StreamRef } from '../contract/types';
import { ConcurrencyError, DuplicateEventError } from '../errors';

/**
 * The rules of `append` that do not depend on storage, shared by every adapter so they decide alike.
 */

/** Where a stored event stands: what the idempotency rule needs to know about it. */
export interface StoredEventLocation {
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly position: bigint;
}

/**
 * Throws {@link ConcurrencyError} (with the actual version) unless `currentVersion` satisfies
 * `expectedVersion`.
 */
export function checkExpectedVersion(
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  currentVersion: number,
): void {
  if (!satisfiesExpectedVersion(expectedVersion, currentVersion)) {
    throw new ConcurrencyError(stream, expectedVersion, currentVersion);
  }
}

/** Whether a stream at `currentVersion` satisfies `expectedVersion`. */
export function satisfiesExpectedVersion(expectedVersion: ExpectedVersion, currentVersion: number): boolean {
  switch (expectedVersion) {
    case 'any':
      return true;
    case 'no_stream':
      return currentVersion === 0;
    case 'stream_exists':
      return currentVersion > 0;
    default:
      return currentVersion === expectedVersion;
  }
}

/**
 * Decides an append some of whose event ids are already stored.
 *
 * It is a repeat — and returns the original result, so the caller writes nothing — when **every**
 * event of the batch already stands in this stream, consecutively, in batch order, at the versions
 * the expected version implies (`n` → from `n + 1`, `'no_stream'` → from 1, `'any'` and
 * `'stream_exists'` → wherever the first one stands). Anything else throws {@link DuplicateEventError}.
 *
 * @param batchIds - the batch's event ids, in order
 * @param stored - for each id, where it is stored, or `undefined` when it is new
 */
export function resolveRepeatedAppend(
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  batchIds: readonly string[],
  stored: readonly (StoredEventLocation | undefined)[],
): AppendResult {
  const first = stored[0];
  const startVersion =
    typeof expectedVersion === 'number'
      ? expectedVersion + 1
      : expectedVersion === 'no_stream'
        ? 1
        : first?.version;
  for (let i = 0; i < batchIds.length; i++) {
    const eventId = batchIds[i]!;
    const location = stored[i];
    if (location === undefined) {
      const known = stored.find((s) => s !== undefined)!;
      throw new DuplicateEventError(
        stream,
        known.eventId,
        'is already stored, but this append also carries new events (a partial repeat is not idempotent)',
      );
    }
    if (location.aggregateType !== stream.aggregateType || location.aggregateId !== stream.aggregateId) {
      throw new DuplicateEventError(
        stream,
        eventId,
        `is already stored in another stream (${location.aggregateType}/${location.aggregateId})`,
      );
    }
    const expectedAt = startVersion === undefined ? undefined : startVersion + i;
    if (location.version !== expectedAt) {
      throw new DuplicateEventError(
        stream,
        eventId,
        `is already stored at version ${location.version}, not at version ${expectedAt} where this append would put it`,
      );
    }
  }
  const last = stored[stored.length - 1]!;
  return { nextExpectedVersion: last.version, firstPosition: first!.position, lastPosition: last.position };
}
