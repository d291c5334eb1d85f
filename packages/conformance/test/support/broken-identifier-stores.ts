import { createInMemoryEventStore, type ReadWriteEventStore, type StreamRef } from '@chronicle/core';
import type { BrokenStore } from './broken-stores';
import { wrapStore } from './wrap-store';

const IDENTIFIER_TESTS = [
  'identifiers/stream ids differing only in case, accents, Unicode normalisation or trailing space are different streams',
  'identifiers/aggregate types differing only in case, accents, Unicode normalisation or trailing space are different types',
  'identifiers/event types differing only in case, accents, Unicode normalisation or trailing space are different types',
  'identifiers/event ids differing only in case, accents, Unicode normalisation or trailing space are different events',
];

/**
 * A store whose identifiers compare under a collation, as a database column with a case-insensitive,
 * accent-insensitive or PAD SPACE collation does: the first spelling written is kept, and every later
 * spelling that collates equal to it is taken for it. It passes every other test of the suite.
 */
function collatingStore(collate: (identifier: string) => string): ReadWriteEventStore {
  const inner = createInMemoryEventStore();
  const column = () => {
    const firstSpelling = new Map<string, string>();
    return (identifier: string): string => {
      const key = collate(identifier);
      const known = firstSpelling.get(key);
      if (known !== undefined) return known;
      firstSpelling.set(key, identifier);
      return identifier;
    };
  };
  const [aggregateType, aggregateId, eventType, eventId] = [column(), column(), column(), column()];
  const stream = (s: StreamRef): StreamRef => ({
    aggregateType: aggregateType(s.aggregateType),
    aggregateId: aggregateId(s.aggregateId),
  });
  return wrapStore(inner, {
    append: (s, expectedVersion, events) =>
      inner.append(
        stream(s),
        expectedVersion,
        events.map((e) => ({
          ...e,
          eventType: eventType(e.eventType),
          ...(e.eventId === undefined ? {} : { eventId: eventId(e.eventId) }),
        })),
      ),
    getEvents: (t, id, from) => inner.getEvents(aggregateType(t), aggregateId(id), from),
    readStream: (s, options) => inner.readStream(stream(s), options),
    getStreamVersion: (s) => inner.getStreamVersion(stream(s)),
    getSnapshot: (t, id) => inner.getSnapshot(aggregateType(t), aggregateId(id)),
    saveSnapshot: (s) => inner.saveSnapshot({ ...s, ...stream(s) }),
    getEventsByType: (type, fromDate) => inner.getEventsByType(eventType(type), fromDate),
    getAllEvents: (t, from) => inner.getAllEvents(t === undefined ? t : aggregateType(t), from),
    readAll: (options) =>
      inner.readAll({
        ...options,
        ...(options?.aggregateTypes && { aggregateTypes: options.aggregateTypes.map(aggregateType) }),
        ...(options?.eventTypes && { eventTypes: options.eventTypes.map(eventType) }),
      }),
  });
}

const collating = (name: string, collate: (identifier: string) => string): BrokenStore => ({
  name,
  caughtBy: IDENTIFIER_TESTS,
  options: { name, createStore: () => collatingStore(collate) },
});

/** Stores that take two different identifiers for one: the mistakes the identifiers sub-suite catches. */
export const brokenIdentifierStores: readonly BrokenStore[] = [
  collating('identifiers compared case-insensitively', (id) => id.toLowerCase()),
  collating('identifiers compared with trailing spaces ignored (PAD SPACE)', (id) => id.replace(/ +$/, '')),
  collating('identifiers compared after Unicode normalisation (NFC)', (id) => id.normalize('NFC')),
  collating('identifiers compared accent-insensitively', (id) => id.normalize('NFD').replace(/\p{Mn}/gu, '')),
];
