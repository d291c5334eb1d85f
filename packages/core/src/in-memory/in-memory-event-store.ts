import { checkExpectedVersion, resolveRepeatedAppend } from '../append/append-rules';
import type {
  AppendResult,
  DomainEvent,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  Snapshot,
  StreamRef,
} from '../contract/types';
import { StoreUnavailableError } from '../errors';
import { createEventPipeline, type EventStoreOptions } from '../store-options';
import {
  assertDate,
  assertIdentifier,
  assertPosition,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  resolveReadAllOptions,
  resolveReadStreamOptions,
} from '../validation/arguments';

/** Options of {@link createInMemoryEventStore}. */
export type InMemoryEventStoreOptions = EventStoreOptions;

/** The in-memory reference store: the contract's semantics with nothing in the way. */
export interface InMemoryEventStore extends EventStore {
  /** How many events the store holds. */
  readonly size: number;
}

/**
 * A stored event. Data and metadata are kept as JSON text, exactly as a database keeps them, so every
 * read hands out a fresh copy and the in-memory store behaves like the persistent ones.
 */
interface StoredEvent {
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly eventType: string;
  readonly dataJson: string;
  readonly metadataJson: string | undefined;
  readonly schemaVersion: number;
  readonly version: number;
  readonly position: bigint;
  readonly occurredAt: number;
  readonly userId: string | undefined;
  readonly correlationId: string | undefined;
  readonly causationId: string | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const streamKey = (aggregateType: string, aggregateId: string): string =>
  `${aggregateType}\u0000${aggregateId}`;

/**
 * Creates the in-memory reference implementation of {@link EventStore}: zero set-up, same semantics as
 * every persistent adapter, nothing survives the process.
 *
 * Positions are dense (1, 2, 3, …): an append is synchronous once validated, so it is atomic and no
 * reader can observe half of it.
 *
 * @example
 * ```ts
 * const store = createInMemoryEventStore();
 * await store.append({ aggregateType: 'BankAccount', aggregateId: 'acc-1' }, 'no_stream', [
 *   { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
 * ]);
 * ```
 */
export function createInMemoryEventStore(options: InMemoryEventStoreOptions = {}): InMemoryEventStore {
  const pipeline = createEventPipeline(options);
  /** Index `i` holds the event at position `i + 1`. */
  const log: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const byEventId = new Map<string, StoredEvent>();
  const byEventType = new Map<string, StoredEvent[]>();
  const snapshots = new Map<string, Snapshot>();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new StoreUnavailableError('The in-memory event store is closed', { retriable: false });
  };

  const toDomainEvent = (stored: StoredEvent): DomainEvent => {
    const event: Mutable<DomainEvent> = {
      eventId: stored.eventId,
      aggregateType: stored.aggregateType,
      aggregateId: stored.aggregateId,
      eventType: stored.eventType,
      eventData: JSON.parse(stored.dataJson),
      schemaVersion: stored.schemaVersion,
      version: stored.version,
      position: stored.position,
      occurredAt: new Date(stored.occurredAt),
    };
    if (stored.userId !== undefined) event.userId = stored.userId;
    if (stored.correlationId !== undefined) event.correlationId = stored.correlationId;
    if (stored.causationId !== undefined) event.causationId = stored.causationId;
    if (stored.metadataJson !== undefined) event.metadata = JSON.parse(stored.metadataJson);
    return pipeline.upcast(event);
  };

  const lastPositionOf = (stream: readonly StoredEvent[] | undefined): bigint =>
    stream === undefined || stream.length === 0 ? 0n : stream[stream.length - 1]!.position;

  function append(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): AppendResult {
    const prepared = pipeline.prepare(stream, expectedVersion, events);
    assertOpen();
    const key = streamKey(stream.aggregateType, stream.aggregateId);
    const existing = streams.get(key);
    const currentVersion = existing?.length ?? 0;
    if (prepared.length === 0) {
      const lastPosition = lastPositionOf(existing);
      return { nextExpectedVersion: currentVersion, firstPosition: lastPosition, lastPosition };
    }

    const stored = prepared.map((event) => byEventId.get(event.eventId));
    if (stored.some((location) => location !== undefined)) {
      return resolveRepeatedAppend(
        stream,
        expectedVersion,
        prepared.map((event) => event.eventId),
        stored,
      );
    }
    checkExpectedVersion(stream, expectedVersion, currentVersion);

    // Everything that can fail has been checked: from here the append cannot stop half-way.
    const streamEvents = existing ?? [];
    if (existing === undefined) streams.set(key, streamEvents);
    for (const [i, event] of prepared.entries()) {
      const record: StoredEvent = {
        eventId: event.eventId,
        aggregateType: stream.aggregateType,
        aggregateId: stream.aggregateId,
        eventType: event.eventType,
        dataJson: JSON.stringify(event.eventData),
        metadataJson: event.metadata === undefined ? undefined : JSON.stringify(event.metadata),
        schemaVersion: event.schemaVersion,
        version: currentVersion + i + 1,
        position: BigInt(log.length + 1),
        occurredAt: event.occurredAt.getTime(),
        userId: event.userId,
        correlationId: event.correlationId,
        causationId: event.causationId,
      };
      log.push(record);
      streamEvents.push(record);
      byEventId.set(record.eventId, record);
      const ofType = byEventType.get(record.eventType);
      if (ofType === undefined) byEventType.set(record.eventType, [record]);
      else ofType.push(record);
    }
    return {
      nextExpectedVersion: streamEvents.length,
      firstPosition: streamEvents[currentVersion]!.position,
      lastPosition: lastPositionOf(streamEvents),
    };
  }

  function streamSlice(stream: StreamRef, options: ReadStreamOptions | undefined): StoredEvent[] {
    assertStreamRef(stream);
    const { fromVersion, direction, limit } = resolveReadStreamOptions(options);
    assertOpen();
    const events = streams.get(streamKey(stream.aggregateType, stream.aggregateId)) ?? [];
    // Versions are 1..n, so version v sits at index v - 1.
    if (direction === 'forward') {
      const start = Math.min(fromVersion ?? 0, events.length);
      return events.slice(start, limit === undefined ? undefined : start + limit);
    }
    const end = Math.min(
      fromVersion === undefined ? events.length : Math.max(fromVersion - 1, 0),
      events.length,
    );
    const start = limit === undefined ? 0 : Math.max(end - limit, 0);
    return events.slice(start, end).reverse();
  }

  return {
    get size() {
      return log.length;
    },

    async append(stream, expectedVersion, events) {
      return append(stream, expectedVersion, events);
    },

    async getEvents(aggregateType, aggregateId, fromVersion = 0) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertVersion(fromVersion, 'fromVersion');
      return streamSlice({ aggregateType, aggregateId }, { fromVersion }).map(toDomainEvent);
    },

    async *readStream(stream, options) {
      for (const event of streamSlice(stream, options)) yield toDomainEvent(event);
    },

    async getStreamVersion(stream) {
      assertStreamRef(stream);
      assertOpen();
      return streams.get(streamKey(stream.aggregateType, stream.aggregateId))?.length ?? 0;
    },

    async getSnapshot(aggregateType, aggregateId) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertOpen();
      const snapshot = snapshots.get(streamKey(aggregateType, aggregateId));
      return snapshot === undefined ? null : copySnapshot(snapshot);
    },

    async saveSnapshot(snapshot) {
      assertSnapshot(snapshot);
      assertOpen();
      const key = streamKey(snapshot.aggregateType, snapshot.aggregateId);
      const current = snapshots.get(key);
      // An older snapshot never replaces a newer one; the same version is replaced (a fresher shape).
      if (current !== undefined && current.version > snapshot.version) return;
      snapshots.set(key, copySnapshot(snapshot));
    },

    async getEventsByType(eventType, fromDate) {
      assertIdentifier(eventType, 'eventType');
      if (fromDate !== undefined) assertDate(fromDate, 'fromDate');
      assertOpen();
      const from = fromDate?.getTime() ?? Number.NEGATIVE_INFINITY;
      const filter = pipeline.eventTypeFilter([eventType]);
      const stored = filter.storedTypes.flatMap((type) => byEventType.get(type) ?? []);
      // Several stored names (a renamed type) are merged back into position order.
      if (filter.storedTypes.length > 1) stored.sort((a, b) => (a.position < b.position ? -1 : 1));
      return stored
        .filter((e) => e.occurredAt >= from)
        .map(toDomainEvent)
        .filter(filter.matches);
    },

    async getAllEvents(aggregateType, fromPosition = 0n) {
      if (aggregateType !== undefined) assertIdentifier(aggregateType, 'aggregateType');
      assertPosition(fromPosition, 'fromPosition');
      assertOpen();
      const result: DomainEvent[] = [];
      for (let i = startIndex(fromPosition); i < log.length; i++) {
        const event = log[i]!;
        if (aggregateType === undefined || event.aggregateType === aggregateType)
          result.push(toDomainEvent(event));
      }
      return result;
    },

    async *readAll(options?: ReadAllOptions) {
      const { fromPosition, aggregateTypes, eventTypes, batchSize } = resolveReadAllOptions(options);
      const aggregateTypeSet = aggregateTypes && new Set(aggregateTypes);
      const typeFilter = eventTypes && pipeline.eventTypeFilter(eventTypes);
      const eventTypeSet = typeFilter && new Set(typeFilter.storedTypes);
      let index = startIndex(fromPosition);
      for (;;) {
        assertOpen();
        // One page at a time, re-reading the log's length, so events appended meanwhile are seen
        // and no copy of the whole log is ever made.
        const page: DomainEvent[] = [];
        while (index < log.length && page.length < batchSize) {
          const event = log[index++]!;
          if (aggregateTypeSet && !aggregateTypeSet.has(event.aggregateType)) continue;
          if (eventTypeSet && !eventTypeSet.has(event.eventType)) continue;
          const domainEvent = toDomainEvent(event);
          if (typeFilter && !typeFilter.matches(domainEvent)) continue;
          page.push(domainEvent);
        }
        if (page.length === 0) return;
        yield* page;
      }
    },

    async close() {
      closed = true;
    },
  };

  /** Index of the first event with a position above `fromPosition`. */
  function startIndex(fromPosition: bigint): number {
    return fromPosition >= BigInt(log.length) ? log.length : Number(fromPosition);
  }
}

function copySnapshot(snapshot: Snapshot): Snapshot {
  return {
    aggregateType: snapshot.aggregateType,
    aggregateId: snapshot.aggregateId,
    version: snapshot.version,
    schemaVersion: snapshot.schemaVersion,
    state: JSON.parse(JSON.stringify(snapshot.state)),
    createdAt: new Date(snapshot.createdAt.getTime()),
  };
}
