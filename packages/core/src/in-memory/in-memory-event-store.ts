import { decodeEventRow, type StoredEventFields } from '../adapter/decode-event-row';
import { readEventsByType } from '../adapter/events-by-type';
import { readStreamPages, type StreamPageRequest } from '../adapter/read-stream-pages';
import { storeClosedError } from '../adapter/store-errors';
import { subscribeToSource } from '../adapter/subscription-loop';
import { createWakeUpEmitter } from '../adapter/wake-up';
import { checkExpectedVersion, resolveRepeatedAppend } from '../append/append-rules';
import type {
  AppendResult,
  DomainEvent,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  Snapshot,
  StreamRef,
} from '../contract/types';
import { instrumentEventStore } from '../observability/instrument-store';
import type { ProjectableEventStore } from '../projection/projection-storage';
import { createEventPipeline, type EventStoreOptions } from '../store-options';
import {
  assertIdentifier,
  assertPosition,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  resolveReadAllOptions,
} from '../validation/arguments';
import { createInMemoryCheckpointStore } from './in-memory-checkpoint-store';
import { createInMemoryProjectionStorage } from './in-memory-projection-storage';

/** Options of {@link createInMemoryEventStore}. */
export type InMemoryEventStoreOptions = EventStoreOptions;

/**
 * The in-memory reference store: the contract's semantics with nothing in the way. Subscribers wake
 * at once on every append.
 */
export interface InMemoryEventStore extends ProjectableEventStore {
  /** How many events the store holds. */
  readonly size: number;
}

/**
 * A stored event. Data and metadata are kept as JSON text, exactly as a database keeps them, so every
 * read decodes a fresh copy (through the adapter kit, as every adapter does) and the in-memory store
 * behaves like the persistent ones.
 */
interface StoredEvent extends StoredEventFields {
  readonly eventData: string;
  readonly metadata: string | undefined;
  readonly version: number;
  readonly position: bigint;
  readonly occurredAt: number;
}

/** Page size of `readStream`: a page is a slice of the stream's array, so memory stays bounded. */
const STREAM_PAGE_SIZE = 500;

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
  const closing = new AbortController();
  const appended = createWakeUpEmitter();

  const assertOpen = (): void => {
    if (closed) throw storeClosedError('in-memory');
  };
  const checkpoints = createInMemoryCheckpointStore(assertOpen);
  const projections = createInMemoryProjectionStorage(assertOpen, checkpoints);
  const toDomainEvent = (stored: StoredEvent): DomainEvent => pipeline.upcast(decodeEventRow(stored));

  const lastPositionOf = (stream: readonly StoredEvent[] | undefined): bigint =>
    stream === undefined || stream.length === 0 ? 0n : stream[stream.length - 1]!.position;

  /**
   * Everything an append checks, without writing: the early result (nothing to append, or a
   * repeated append), or the records to commit. Positions follow the log's current end.
   */
  function planAppend(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): AppendResult | StoredEvent[] {
    const prepared = pipeline.prepare(stream, expectedVersion, events);
    assertOpen();
    const existing = streams.get(streamKey(stream.aggregateType, stream.aggregateId));
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
    return prepared.map((event, i) => ({
      eventId: event.eventId,
      aggregateType: stream.aggregateType,
      aggregateId: stream.aggregateId,
      eventType: event.eventType,
      eventData: JSON.stringify(event.eventData),
      metadata: event.metadata === undefined ? undefined : JSON.stringify(event.metadata),
      schemaVersion: event.schemaVersion,
      version: currentVersion + i + 1,
      position: BigInt(log.length + i + 1),
      occurredAt: event.occurredAt.getTime(),
      userId: event.userId,
      correlationId: event.correlationId,
      causationId: event.causationId,
    }));
  }

  /** Writes planned records: cannot fail, so the append cannot stop half-way. */
  function commitAppend(stream: StreamRef, records: readonly StoredEvent[]): AppendResult {
    const key = streamKey(stream.aggregateType, stream.aggregateId);
    const streamEvents = streams.get(key) ?? [];
    if (streamEvents.length === 0) streams.set(key, streamEvents);
    for (const record of records) {
      log.push(record);
      streamEvents.push(record);
      byEventId.set(record.eventId, record);
      const ofType = byEventType.get(record.eventType);
      if (ofType === undefined) byEventType.set(record.eventType, [record]);
      else ofType.push(record);
    }
    appended.wake();
    return {
      nextExpectedVersion: streamEvents.length,
      firstPosition: records[0]!.position,
      lastPosition: lastPositionOf(streamEvents),
    };
  }

  function append(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): AppendResult {
    const planned = planAppend(stream, expectedVersion, events);
    return Array.isArray(planned) ? commitAppend(stream, planned) : planned;
  }

  /**
   * An append with inline projections: planned and projected under the lock (so positions and
   * versions cannot move meanwhile), committed in the same synchronous step as the documents. A
   * throwing handler leaves neither events nor documents.
   */
  async function appendProjected(
    stream: StreamRef,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): Promise<AppendResult> {
    let result: AppendResult | undefined;
    await projections.transactionWith(
      async (tx) => {
        const planned = planAppend(stream, expectedVersion, events);
        if (Array.isArray(planned)) await pipeline.inline.apply(tx, planned.map(toDomainEvent));
        return planned;
      },
      { exclusive: true },
      (planned) => {
        result = Array.isArray(planned) ? commitAppend(stream, planned) : planned;
      },
    );
    return result!;
  }

  /** One page of a stream; versions are 1..n, so version v sits at index v - 1. */
  function streamPage({ stream, direction, fromVersion, limit }: StreamPageRequest): DomainEvent[] {
    assertOpen();
    const events = streams.get(streamKey(stream.aggregateType, stream.aggregateId)) ?? [];
    if (direction === 'forward') {
      const start = Math.min(fromVersion, events.length);
      return events.slice(start, start + limit).map(toDomainEvent);
    }
    const end = Math.min(Math.max(fromVersion - 1, 0), events.length);
    return events
      .slice(Math.max(end - limit, 0), end)
      .reverse()
      .map(toDomainEvent);
  }

  const store: InMemoryEventStore = {
    get size() {
      return log.length;
    },

    async append(stream, expectedVersion, events) {
      if (pipeline.inline.isEmpty) return append(stream, expectedVersion, events);
      return appendProjected(stream, expectedVersion, events);
    },

    async getEvents(aggregateType, aggregateId, fromVersion = 0) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertVersion(fromVersion, 'fromVersion');
      assertOpen();
      const events = streams.get(streamKey(aggregateType, aggregateId)) ?? [];
      return events.slice(fromVersion).map(toDomainEvent);
    },

    readStream(stream, options) {
      return readStreamPages(stream, options, STREAM_PAGE_SIZE, streamPage);
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

    getEventsByType(eventType, fromDate) {
      return readEventsByType(pipeline, eventType, fromDate, (type, from) => {
        assertOpen();
        const millis = from?.getTime() ?? Number.NEGATIVE_INFINITY;
        return (byEventType.get(type) ?? []).filter((e) => e.occurredAt >= millis).map(toDomainEvent);
      });
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

    checkpoints,

    projections,

    subscribe(options) {
      return subscribeToSource(
        {
          store: 'in-memory',
          pipeline,
          closed: closing.signal,
          wakeUps: appended,
          readHead: () => {
            assertOpen();
            return BigInt(log.length);
          },
          readPage({ after, limit, aggregateTypes, storedEventTypes }) {
            assertOpen();
            const aggregateTypeSet = aggregateTypes && new Set(aggregateTypes);
            const eventTypeSet = storedEventTypes && new Set(storedEventTypes);
            const events: DomainEvent[] = [];
            let index = startIndex(after);
            // Examine until `limit` matches or the head; `through` is the last position examined.
            while (index < log.length && events.length < limit) {
              const event = log[index++]!;
              if (aggregateTypeSet && !aggregateTypeSet.has(event.aggregateType)) continue;
              if (eventTypeSet && !eventTypeSet.has(event.eventType)) continue;
              events.push(decodeEventRow(event));
            }
            const head = BigInt(log.length);
            return { events, through: BigInt(index) > after ? BigInt(index) : after, head };
          },
        },
        options,
      );
    },

    async close() {
      closed = true;
      closing.abort();
    },
  };
  return instrumentEventStore(store, {
    adapter: 'in-memory',
    dbSystem: 'chronicle.in_memory',
    streamPageSize: STREAM_PAGE_SIZE,
    propagateTraceContext: options.propagateTraceContext,
  });

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
