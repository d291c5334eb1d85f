import type { DomainEvent, StreamRef } from '../contract/types';
import type { PreparedEvent } from '../validation/arguments';

/**
 * Prepared events as an append stored them from `first` on (positions and versions consecutive): what
 * an adapter hands its inline projections, inside the append's transaction, without reading back.
 */
export function asStoredEvents(
  stream: StreamRef,
  events: readonly PreparedEvent[],
  first: { readonly version: number; readonly position: bigint },
): DomainEvent[] {
  return events.map((event, i) => ({
    eventId: event.eventId,
    aggregateType: stream.aggregateType,
    aggregateId: stream.aggregateId,
    eventType: event.eventType,
    eventData: event.eventData,
    schemaVersion: event.schemaVersion,
    version: first.version + i,
    position: first.position + BigInt(i),
    occurredAt: event.occurredAt,
    ...(event.userId !== undefined && { userId: event.userId }),
    ...(event.correlationId !== undefined && { correlationId: event.correlationId }),
    ...(event.causationId !== undefined && { causationId: event.causationId }),
    ...(event.metadata !== undefined && { metadata: event.metadata as Record<string, unknown> }),
  }));
}
