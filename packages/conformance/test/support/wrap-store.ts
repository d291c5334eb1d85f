import type { ReadWriteEventStore } from '@chronicle/core';

/** A store that forwards every call to `inner` except the ones `overrides` replaces. */
export function wrapStore(
  inner: ReadWriteEventStore,
  overrides: Partial<ReadWriteEventStore>,
): ReadWriteEventStore {
  return {
    append: (stream, expectedVersion, events) => inner.append(stream, expectedVersion, events),
    getEvents: (aggregateType, aggregateId, fromVersion) =>
      inner.getEvents(aggregateType, aggregateId, fromVersion),
    readStream: (stream, options) => inner.readStream(stream, options),
    getStreamVersion: (stream) => inner.getStreamVersion(stream),
    getSnapshot: (aggregateType, aggregateId) => inner.getSnapshot(aggregateType, aggregateId),
    saveSnapshot: (snapshot) => inner.saveSnapshot(snapshot),
    getEventsByType: (eventType, fromDate) => inner.getEventsByType(eventType, fromDate),
    getAllEvents: (aggregateType, fromPosition) => inner.getAllEvents(aggregateType, fromPosition),
    readAll: (options) => inner.readAll(options),
    close: () => inner.close(),
    ...overrides,
  };
}
