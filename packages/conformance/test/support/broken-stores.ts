// Over 300 lines on purpose: the catalogue of deliberately broken stores the suite must catch, one
// short wrapper each, kept in one list so a reader sees every mistake the suite guards against.
import {
  type AppendResult,
  ConcurrencyError,
  createInMemoryEventStore,
  type DomainEvent,
  type EventStore,
  type EventStoreOptions,
  isConcurrencyError,
  isInvalidArgumentError,
  type NewEvent,
  type ReadAllOptions,
  type Snapshot,
} from '@chronicle/core';
import { createEventPipeline, satisfiesExpectedVersion } from '@chronicle/core/adapter';
import type { ConformanceOptions } from '../../src';
import { brokenConsumingStores } from './broken-consuming-stores';
import { brokenIdentifierStores } from './broken-identifier-stores';
import { brokenProjectionStores } from './broken-projection-stores';
import { wrapStore } from './wrap-store';

/** A deliberately broken store and the conformance tests that must catch it. */
export interface BrokenStore {
  /** What is wrong with it. */
  readonly name: string;
  /** The adapter options that drive the suite against it. */
  readonly options: ConformanceOptions;
  /** Keys of tests that must fail against it. */
  readonly caughtBy: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A broken store built by wrapping a fresh in-memory store. */
const broken = (
  name: string,
  caughtBy: readonly string[],
  wrap: (inner: EventStore, options: EventStoreOptions | undefined) => Partial<EventStore>,
): BrokenStore => ({
  name,
  caughtBy,
  options: {
    name,
    createStore: (options) => {
      const inner = createInMemoryEventStore(options);
      return wrapStore(inner, wrap(inner, options));
    },
  },
});

/**
 * Positions are drawn when an append starts (like a sequence inside a transaction) but the append
 * commits later, some slower than others: a reader that already passed a position never sees the
 * event that commits there afterwards. The naive PostgreSQL design rule 6 of docs/contract.md warns about.
 */
function lateCommitStore(): EventStore {
  const inner = createInMemoryEventStore();
  let drawn = 0n;
  let appends = 0;
  const positions = new Map<bigint, bigint>();
  const map = (e: DomainEvent): DomainEvent => ({ ...e, position: positions.get(e.position) ?? e.position });
  const mapResult = (r: AppendResult): AppendResult => ({
    ...r,
    firstPosition: positions.get(r.firstPosition) ?? r.firstPosition,
    lastPosition: positions.get(r.lastPosition) ?? r.lastPosition,
  });
  const committedLog = async (fromPosition = 0n): Promise<DomainEvent[]> =>
    (await inner.getAllEvents())
      .map(map)
      .filter((e) => e.position > fromPosition)
      .sort((a, b) => (a.position < b.position ? -1 : 1));
  return wrapStore(inner, {
    async append(stream, expectedVersion, events) {
      const first = drawn + 1n;
      drawn += BigInt(events.length);
      await sleep(appends++ % 3 === 0 ? 4 : 0);
      const before = inner.size;
      // The in-memory append runs synchronously when called: read the size before anything interleaves.
      const pending = inner.append(stream, expectedVersion, events);
      const written = inner.size - before;
      const result = await pending;
      for (let i = 0; i < written; i++) positions.set(BigInt(before + i + 1), first + BigInt(i));
      return mapResult(result);
    },
    getEvents: async (t, id, from) => (await inner.getEvents(t, id, from)).map(map),
    getAllEvents: async (aggregateType, fromPosition) =>
      (await committedLog(fromPosition)).filter(
        (e) => aggregateType === undefined || e.aggregateType === aggregateType,
      ),
    readAll: (options?: ReadAllOptions) => {
      const read = async () =>
        (await committedLog(options?.fromPosition)).filter(
          (e) =>
            (options?.aggregateTypes === undefined || options.aggregateTypes.includes(e.aggregateType)) &&
            (options?.eventTypes === undefined || options.eventTypes.includes(e.eventType)),
        );
      return {
        async *[Symbol.asyncIterator]() {
          yield* await read();
        },
      };
    },
  });
}

/**
 * Writes a batch event by event and, when a later event fails, hides the ones already written from
 * every read instead of removing them: the read API looks clean, storage is not. Only a backdoor
 * count (`rawEventCount`) can tell.
 */
export function hiddenPartialWriteStore(): EventStore & { readonly size: number } {
  const inner = createInMemoryEventStore();
  const hidden = new Map<string, string>();
  const keyOf = (t: string, id: string) => `${t}/${id}`;
  const visible = (e: DomainEvent) => !hidden.has(e.eventId);
  const store = wrapStore(inner, {
    async append(stream, expectedVersion, events) {
      if (events.length === 0) return inner.append(stream, expectedVersion, events);
      const written: string[] = [];
      try {
        const first = await inner.append(stream, expectedVersion, events.slice(0, 1));
        written.push(events[0]!.eventId ?? '');
        let last = first;
        for (const event of events.slice(1)) {
          last = await inner.append(stream, 'any', [event]);
          written.push(event.eventId ?? '');
        }
        return { ...last, firstPosition: first.firstPosition };
      } catch (error) {
        for (const id of written) hidden.set(id, keyOf(stream.aggregateType, stream.aggregateId));
        throw error;
      }
    },
    getAllEvents: async (t, from) => (await inner.getAllEvents(t, from)).filter(visible),
    getEvents: async (t, id, from) => (await inner.getEvents(t, id, from)).filter(visible),
    async getStreamVersion(stream) {
      const key = keyOf(stream.aggregateType, stream.aggregateId);
      return (await inner.getStreamVersion(stream)) - [...hidden.values()].filter((k) => k === key).length;
    },
  });
  // defineProperty, not Object.assign: assign would copy the getter's value once.
  return Object.defineProperty(store, 'size', { get: () => inner.size }) as EventStore & {
    readonly size: number;
  };
}

/** Every deliberately broken store the suite must catch. */
export const brokenStores: readonly BrokenStore[] = [
  broken(
    'no expected-version check',
    [
      'expected-version/a number below the current version throws ConcurrencyError with the actual version',
      "expected-version/'no_stream' on a second write throws ConcurrencyError with the actual version",
      'concurrency/property (fc.scheduler): every interleaving of load-then-append writers keeps the stream exact',
      'concurrency/of N concurrent appends at one expected version exactly one succeeds; the others get the actual version',
      'model/random appends, retries, reads and snapshot saves agree with a plain model',
    ],
    (inner) => ({ append: (stream, _expected, events) => inner.append(stream, 'any', events) }),
  ),
  broken(
    'check-then-write with an await in between',
    [
      'concurrency/of N concurrent appends at one expected version exactly one succeeds; the others get the actual version',
      "concurrency/of N concurrent 'no_stream' appends to a new stream exactly one succeeds",
      'concurrency/a contended counter stream reaches exactly the expected count with versions 1..n',
      'concurrency/property: racing writers with random expected versions keep streams gapless and results truthful',
      'concurrency/property (fc.scheduler): every interleaving of load-then-append writers keeps the stream exact',
    ],
    (inner) => ({
      async append(stream, expectedVersion, events) {
        const current = await inner.getStreamVersion(stream);
        if (!satisfiesExpectedVersion(expectedVersion, current)) {
          throw new ConcurrencyError(stream, expectedVersion, current);
        }
        await sleep(0);
        return inner.append(stream, 'any', events);
      },
    }),
  ),
  broken(
    'non-atomic multi-event append',
    [
      'bad-input/one bad event anywhere in a batch rejects the whole batch',
      'idempotency/a stored batch plus extra events throws DuplicateEventError and writes nothing',
    ],
    (inner) => ({
      async append(stream, expectedVersion, events) {
        if (events.length === 0) return inner.append(stream, expectedVersion, events);
        const first = await inner.append(stream, expectedVersion, events.slice(0, 1));
        let last = first;
        for (const event of events.slice(1)) last = await inner.append(stream, 'any', [event]);
        return { ...last, firstPosition: first.firstPosition };
      },
    }),
  ),
  broken(
    'fromVersion off by one (inclusive)',
    [
      'reads/getEvents returns the stream in version order; fromVersion is exclusive',
      'reads/readStream forward honours fromVersion (exclusive) and limit',
      'model/random appends, retries, reads and snapshot saves agree with a plain model',
    ],
    (inner) => ({
      getEvents: (t, id, from = 0) => inner.getEvents(t, id, Math.max(from - 1, 0)),
      readStream: (stream, options) =>
        inner.readStream(
          stream,
          options?.fromVersion === undefined || options.direction === 'backward'
            ? options
            : { ...options, fromVersion: Math.max(options.fromVersion - 1, 0) },
        ),
    }),
  ),
  {
    name: 'readAll skips a late commit (positions drawn before commit)',
    caughtBy: [
      'follow-the-log/a reader tailing readAll sees every committed event exactly once, in order',
      'follow-the-log/a reader tailing getAllEvents sees every committed event exactly once, in order',
    ],
    options: { name: 'late commit', createStore: lateCommitStore },
  },
  broken(
    'idempotency that ignores the stream',
    ['idempotency/stored events appended to another stream throw DuplicateEventError and write nothing'],
    (inner) => {
      const seen = new Map<string, AppendResult>();
      return {
        async append(stream, expectedVersion, events) {
          const key = events.map((e) => e.eventId ?? '?').join(',');
          const known = seen.get(key);
          if (events.length > 0 && known !== undefined) return known;
          const result = await inner.append(stream, expectedVersion, events);
          if (events.every((e) => e.eventId !== undefined)) seen.set(key, result);
          return result;
        },
      };
    },
  ),
  broken(
    'snapshot that regresses (last save wins)',
    [
      'snapshots/an older snapshot never replaces a newer one',
      'snapshots/concurrent saves in any order leave the newest snapshot',
      'model/random appends, retries, reads and snapshot saves agree with a plain model',
    ],
    () => {
      const snapshots = new Map<string, Snapshot>();
      return {
        saveSnapshot: async (s) => {
          snapshots.set(`${s.aggregateType}/${s.aggregateId}`, structuredClone(s));
        },
        getSnapshot: async (t, id) => structuredClone(snapshots.get(`${t}/${id}`) ?? null),
      };
    },
  ),
  broken(
    'bad input silently accepted (data coerced through JSON)',
    ['bad-input/data JSON cannot carry faithfully is rejected'],
    (inner) => ({
      async append(stream, expectedVersion, events) {
        try {
          return await inner.append(stream, expectedVersion, events);
        } catch (error) {
          if (!isInvalidArgumentError(error)) throw error;
          const coerced: NewEvent[] = events.map((e) => ({
            ...e,
            eventData: JSON.parse(JSON.stringify({ value: e.eventData ?? null })).value ?? null,
          }));
          return inner.append(stream, expectedVersion, coerced);
        }
      },
    }),
  ),
  broken(
    'ConcurrencyError reports the expected version instead of the actual one',
    [
      'expected-version/a number below the current version throws ConcurrencyError with the actual version',
      "expected-version/'stream_exists' on an absent stream throws ConcurrencyError with version 0",
    ],
    (inner) => ({
      async append(stream, expectedVersion, events) {
        try {
          return await inner.append(stream, expectedVersion, events);
        } catch (error) {
          if (!isConcurrencyError(error)) throw error;
          throw new ConcurrencyError(
            stream,
            expectedVersion,
            typeof expectedVersion === 'number' ? expectedVersion : -1,
          );
        }
      },
    }),
  ),
  broken(
    'empty append reports version 0',
    ['append/an empty append to a stream is a no-op that reports its current version'],
    (inner) => ({
      append: (stream, expectedVersion, events) =>
        events.length === 0
          ? Promise.resolve({ nextExpectedVersion: 0, firstPosition: 0n, lastPosition: 0n })
          : inner.append(stream, expectedVersion, events),
    }),
  ),
  broken(
    'backward reads come out oldest first',
    ['reads/readStream backward starts from the newest; fromVersion is exclusive below; limit caps'],
    (inner) => ({
      async *readStream(stream, options) {
        const events: DomainEvent[] = [];
        for await (const e of inner.readStream(stream, options)) events.push(e);
        yield* options?.direction === 'backward' ? events.reverse() : events;
      },
    }),
  ),
  broken(
    'stream identity ignores the aggregate type',
    ['reads/the same id under two aggregate types is two streams'],
    (inner) => {
      const key = (id: string) => ({ aggregateType: 'Stream', aggregateId: id });
      const restore = (type: string) => (e: DomainEvent) => ({ ...e, aggregateType: type });
      return {
        append: (stream, expectedVersion, events) =>
          inner.append(key(stream.aggregateId), expectedVersion, events),
        getStreamVersion: (stream) => inner.getStreamVersion(key(stream.aggregateId)),
        getEvents: async (t, id, from) => (await inner.getEvents('Stream', id, from)).map(restore(t)),
        async *readStream(stream, options) {
          for await (const e of inner.readStream(key(stream.aggregateId), options))
            yield restore(stream.aggregateType)(e);
        },
      };
    },
  ),
  broken(
    'occurredAt truncated to the second',
    ['round-trip/occurredAt reads back to the millisecond'],
    (inner) => ({
      append: (stream, expectedVersion, events) =>
        inner.append(
          stream,
          expectedVersion,
          events.map((e) =>
            e.occurredAt instanceof Date
              ? { ...e, occurredAt: new Date(Math.floor(e.occurredAt.getTime() / 1000) * 1000) }
              : e,
          ),
        ),
    }),
  ),
  broken(
    'metadata dropped',
    ['round-trip/every field reads back as written on every read path'],
    (inner) => ({
      append: (stream, expectedVersion, events) =>
        inner.append(
          stream,
          expectedVersion,
          events.map(({ metadata: _dropped, ...e }) => e),
        ),
    }),
  ),
  broken(
    'getEventsByType ignores fromDate',
    ['reads/getEventsByType with fromDate keeps events at or after it, to the millisecond'],
    (inner) => ({ getEventsByType: (eventType) => inner.getEventsByType(eventType) }),
  ),
  broken(
    'fromPosition inclusive',
    ['read-all/fromPosition is exclusive on getAllEvents and readAll'],
    (inner) => ({
      getAllEvents: (t, from = 0n) => inner.getAllEvents(t, from > 0n ? from - 1n : 0n),
    }),
  ),
  broken(
    'readAll loses the first event of every page',
    ['read-all/readAll pages across batch boundaries without skipping or repeating an event'],
    (inner) => ({
      async *readAll(options) {
        const batchSize = options?.batchSize ?? 500;
        let from = options?.fromPosition ?? 0n;
        for (;;) {
          const page = (await inner.getAllEvents(undefined, from)).slice(0, batchSize);
          if (page.length === 0) return;
          yield* page.filter(
            (e) =>
              (options?.aggregateTypes === undefined || options.aggregateTypes.includes(e.aggregateType)) &&
              (options?.eventTypes === undefined || options.eventTypes.includes(e.eventType)),
          );
          // Off by one: resumes past the next event instead of at it.
          from = page[page.length - 1]!.position + 1n;
        }
      },
    }),
  ),
  {
    name: 'store options ignored',
    caughtBy: [
      'store-options/upcasters apply on every read path',
      'store-options/the registry validates every append; a violation writes nothing',
      'store-options/the clock option stamps events that carry no occurredAt',
    ],
    options: { name: 'options ignored', createStore: () => createInMemoryEventStore() },
  },
  {
    name: 'upcasting only on getEvents',
    caughtBy: ['store-options/upcasters apply on every read path'],
    options: {
      name: 'upcasting only on getEvents',
      createStore: (options) => {
        const inner = createInMemoryEventStore();
        const pipeline = createEventPipeline(options);
        return wrapStore(inner, {
          append: (stream, expectedVersion, events) => {
            pipeline.prepare(stream, expectedVersion, events);
            return inner.append(stream, expectedVersion, events);
          },
          getEvents: async (t, id, from) => (await inner.getEvents(t, id, from)).map(pipeline.upcast),
        });
      },
    },
  },
  broken(
    'reads hand out the objects they keep',
    ['round-trip/the store keeps its own copy: mutating input or output changes nothing stored'],
    (inner) => {
      const kept = new Map<string, DomainEvent>();
      const share = (e: DomainEvent) => {
        const known = kept.get(e.eventId) ?? e;
        kept.set(e.eventId, known);
        return known;
      };
      return { getEvents: async (t, id, from) => (await inner.getEvents(t, id, from)).map(share) };
    },
  ),
  broken(
    'readAll ignores the event type filter',
    ['read-all/an event type filter narrows without reordering, also combined with an aggregate type filter'],
    (inner) => ({
      readAll: (options) => {
        const { eventTypes: _ignored, ...rest } = options ?? {};
        return inner.readAll(rest);
      },
    }),
  ),
  broken(
    'positions counted per stream',
    [
      'read-all/getAllEvents and readAll return every event in strictly increasing position order',
      'append/the result reports the positions of the first and last appended event',
    ],
    (inner) => ({
      append: async (stream, expectedVersion, events) => {
        const result = await inner.append(stream, expectedVersion, events);
        const count = BigInt(events.length);
        const next = BigInt(result.nextExpectedVersion);
        return { ...result, firstPosition: next - count + 1n, lastPosition: next };
      },
      getAllEvents: async (t, from) =>
        (await inner.getAllEvents(t, from)).map((e) => ({ ...e, position: BigInt(e.version) })),
    }),
  ),
  {
    name: 'claims persistence but forgets on reopen',
    caughtBy: [
      'durability/everything committed is there after close and reopen',
      'durability/several reopen cycles keep appending where the last one stopped',
    ],
    options: {
      name: 'forgetful',
      createStore: () => createInMemoryEventStore(),
      reopen: async (store) => {
        await store.close();
        return createInMemoryEventStore();
      },
      capabilities: { persistent: true },
    },
  },
  ...brokenIdentifierStores,
  ...brokenConsumingStores,
  ...brokenProjectionStores,
];
