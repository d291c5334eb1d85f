import type { AggregateEvent } from '../aggregate/aggregate-event';
import type { DomainEvent, StreamRef } from '../contract/types';
import { InvalidArgumentError } from '../errors';

/**
 * An event of a specification's `given`: its type and data, and optionally what a stored event
 * carries besides (when the code under test reads it, e.g. `occurredAt`).
 */
export type GivenEvent<E extends AggregateEvent> = E & {
  readonly occurredAt?: Date;
  readonly schemaVersion?: number;
  readonly userId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly metadata?: Record<string, unknown>;
};

/** The instant given events occurred at unless they say otherwise: fixed, so specifications are repeatable. */
export const GIVEN_AT = new Date('2000-01-01T00:00:00.000Z');

/**
 * The given events as the store would return them: versions 1, 2, … of `stream`, ids `given-1`, …,
 * positions 1n, 2n, …, the schema version of each type, and {@link GIVEN_AT} unless given.
 *
 * @throws InvalidArgumentError when `events` is not an array of `{ eventType, eventData }`
 */
export function givenHistory(
  events: readonly GivenEvent<AggregateEvent>[],
  stream: StreamRef,
  schemaVersions: Partial<Record<string, number>> = {},
): DomainEvent[] {
  if (!Array.isArray(events)) {
    throw new InvalidArgumentError('given', 'must be an array of events { eventType, eventData }');
  }
  return events.map((event, i) => {
    if (typeof event?.eventType !== 'string') {
      throw new InvalidArgumentError(`given[${i}]`, 'must be an event { eventType, eventData }');
    }
    const { eventType, eventData, schemaVersion, occurredAt, ...rest } = event;
    return {
      ...rest,
      eventId: `given-${i + 1}`,
      aggregateType: stream.aggregateType,
      aggregateId: stream.aggregateId,
      eventType,
      eventData: structuredClone(eventData),
      schemaVersion: schemaVersion ?? schemaVersions[eventType] ?? 1,
      version: i + 1,
      position: BigInt(i + 1),
      occurredAt: occurredAt ?? GIVEN_AT,
    };
  });
}
