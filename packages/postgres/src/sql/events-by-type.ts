import type { FetchEventsOfType } from '@chronicle/core/adapter';
import { EVENT_COLUMNS, type EventReads, type EventTuple } from './event-columns';

/**
 * The events stored under one type name, in position order (an ordered scan of the
 * `(event_type, position)` index), at or after a date when given: what the kit's `readEventsByType`
 * asks for once per stored name, merging renamed types itself. One round trip per stored name costs
 * more than one `= ANY(...)` query only when an upcaster renames the type, and keeps one merge rule.
 */
export function createEventsOfTypeReader(s: string, { db, decode }: EventReads): FetchEventsOfType {
  const ofType = `SELECT ${EVENT_COLUMNS} FROM ${s}.events ev WHERE ev.event_type = $1`;
  const all = `${ofType} ORDER BY ev.position`;
  const since = `${ofType} AND ev.occurred_at >= $2::timestamptz ORDER BY ev.position`;
  return async (storedType, fromDate) => {
    const rows =
      fromDate === undefined
        ? await db.tuples<EventTuple>(all, [storedType])
        : await db.tuples<EventTuple>(since, [storedType, fromDate.toISOString()]);
    return rows.map((row) => decode(row));
  };
}
