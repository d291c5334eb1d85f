import type { DomainEvent } from '../contract/types';
import type { EventPipeline } from '../store-options';
import { assertDate, assertIdentifier } from '../validation/arguments';

/**
 * Reads the events stored under one type name, in position order, at or after `fromDate` when
 * given, decoded and upcast.
 */
export type FetchEventsOfType = (
  storedType: string,
  fromDate: Date | undefined,
) => readonly DomainEvent[] | Promise<readonly DomainEvent[]>;

/**
 * `getEventsByType`, written once: validates the arguments, asks `fetchOfType` for every stored name
 * that reads as `eventType` (itself, plus the names a renaming upcaster turns into it), merges them
 * back into position order, and keeps the events whose **upcast** type is `eventType`.
 *
 * @throws InvalidArgumentError on a malformed event type or date
 *
 * @example
 * ```ts
 * getEventsByType: (eventType, fromDate) =>
 *   readEventsByType(pipeline, eventType, fromDate, (type, from) =>
 *     query(BY_TYPE_SQL, [type, from?.getTime() ?? EARLIEST]).map(toEvent),
 *   ),
 * ```
 */
export async function readEventsByType(
  pipeline: EventPipeline,
  eventType: string,
  fromDate: Date | undefined,
  fetchOfType: FetchEventsOfType,
): Promise<DomainEvent[]> {
  assertIdentifier(eventType, 'eventType');
  if (fromDate !== undefined) assertDate(fromDate, 'fromDate');
  const { storedTypes, matches } = pipeline.eventTypeFilter([eventType]);
  const found: DomainEvent[] = [];
  for (const type of storedTypes) for (const event of await fetchOfType(type, fromDate)) found.push(event);
  // Several stored names (a renamed type): each list is in position order, their union is not.
  if (storedTypes.length > 1) found.sort((a, b) => (a.position < b.position ? -1 : 1));
  return found.filter(matches);
}
