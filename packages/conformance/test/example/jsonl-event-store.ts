import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { AppendResult, DomainEvent, ReadWriteEventStore, Snapshot, StreamRef } from '@chronicle/core';
import {
  assertIdentifier,
  assertPosition,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  checkExpectedVersion,
  createEventPipeline,
  decodeEventRow,
  type EventStoreOptions,
  readEventsByType,
  readStreamPages,
  resolveReadAllOptions,
  resolveRepeatedAppend,
  type StoredEventFields,
  storeClosedError,
  toEventStoreError,
} from '@chronicle/core/adapter';

/** Options of {@link createJsonlEventStore}: the file, plus what every adapter accepts. */
export interface JsonlEventStoreOptions extends EventStoreOptions {
  /** The JSON-lines file holding the log; created on the first write. */
  readonly file: string;
}

/** A store kept in one JSON-lines file: what it adds to the contract. */
export interface JsonlEventStore extends ReadWriteEventStore {
  /** The file it reads and appends to. */
  readonly file: string;
}

/** One stored event as the file keeps it: data and metadata as JSON text, the time in ms. */
interface Row extends StoredEventFields {
  readonly eventData: string;
  readonly metadata?: string;
  readonly version: number;
  readonly position: string;
  readonly occurredAt: number;
}

/** A line of the file: one whole append, or one snapshot. */
type Line =
  | { readonly rows: Row[] }
  | { readonly snapshot: Omit<Snapshot, 'createdAt'> & { readonly createdAt: string } };

const keyOf = (aggregateType: string, aggregateId: string) => JSON.stringify([aggregateType, aggregateId]);
// The file system has no error codes worth telling apart here: the kit's rule makes every failure a
// non-retriable StoreUnavailableError, with the original as its cause.
const noDriverCodes = () => undefined;

/**
 * An example adapter: the whole log in one JSON-lines file, one line per append (so an append is
 * one `write`, all or nothing), replayed into memory on open. One process per file.
 *
 * @example
 * ```ts
 * const store = createJsonlEventStore({ file: './events.jsonl' });
 * ```
 */
export function createJsonlEventStore(options: JsonlEventStoreOptions): JsonlEventStore {
  // The pipeline validates appends (and runs the registry) and upcasts every read, as in every adapter.
  const pipeline = createEventPipeline(options);
  const log: Row[] = [];
  const streams = new Map<string, Row[]>();
  const byId = new Map<string, Row>();
  const snapshots = new Map<string, Snapshot>();

  const remember = (row: Row) => {
    log.push(row);
    byId.set(row.eventId, row);
    const key = keyOf(row.aggregateType, row.aggregateId);
    const stream = streams.get(key);
    if (stream === undefined) streams.set(key, [row]);
    else stream.push(row);
  };

  if (existsSync(options.file)) {
    const lines = readFileSync(options.file, 'utf8').split('\n');
    for (const [i, text] of lines.entries()) {
      if (text === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch (error) {
        // A torn last line is an append that never completed: it was not acknowledged, so drop it.
        if (i === lines.length - 1) break;
        throw toEventStoreError(error, noDriverCodes, {
          store: 'JSON-lines',
          action: `read ${options.file}:${i + 1}`,
        });
      }
      if ('rows' in line) line.rows.forEach(remember);
      else
        snapshots.set(keyOf(line.snapshot.aggregateType, line.snapshot.aggregateId), {
          ...line.snapshot,
          createdAt: new Date(line.snapshot.createdAt),
        });
    }
  }

  let fd: number | undefined = openSync(options.file, 'a');
  /** The open file descriptor; on a closed store, the closed-store error every adapter throws. */
  const openFile = (): number => {
    if (fd === undefined) throw storeClosedError('JSON-lines');
    return fd;
  };
  const write = (line: Line) => {
    const file = openFile();
    try {
      writeSync(file, `${JSON.stringify(line)}\n`);
      fsyncSync(file); // durable before we acknowledge
    } catch (error) {
      throw toEventStoreError(error, noDriverCodes, { store: 'JSON-lines', action: `write ${options.file}` });
    }
  };
  // The kit decodes a stored row as every adapter does; the pipeline upcasts it.
  const toEvent = (row: Row): DomainEvent => pipeline.upcast(decodeEventRow(row));

  // Positions are dense here (the event at position p is log[p - 1]), so "after p" starts at index p.
  const startOf = (fromPosition: bigint) =>
    Number(fromPosition < BigInt(log.length) ? fromPosition : BigInt(log.length));
  const streamRows = (stream: StreamRef) =>
    streams.get(keyOf(stream.aggregateType, stream.aggregateId)) ?? [];
  const lastPosition = (rows: readonly Row[]) =>
    rows.length === 0 ? 0n : BigInt(rows[rows.length - 1]!.position);

  return {
    file: options.file,

    async append(stream, expectedVersion, events): Promise<AppendResult> {
      const prepared = pipeline.prepare(stream, expectedVersion, events);
      openFile();
      const existing = streamRows(stream);
      const current = existing.length;
      if (prepared.length === 0) {
        const last = lastPosition(existing);
        return { nextExpectedVersion: current, firstPosition: last, lastPosition: last };
      }
      // Known ids: either a harmless repeat (original result) or a DuplicateEventError.
      const stored = prepared.map((e) => byId.get(e.eventId));
      if (stored.some((row) => row !== undefined)) {
        const locations = stored.map((row) => row && { ...row, position: BigInt(row.position) });
        return resolveRepeatedAppend(
          stream,
          expectedVersion,
          prepared.map((e) => e.eventId),
          locations,
        );
      }
      checkExpectedVersion(stream, expectedVersion, current);

      // Nothing awaits between the check and the write, so no other append can slip in between.
      const rows: Row[] = prepared.map((e, i) => ({
        eventId: e.eventId,
        aggregateType: stream.aggregateType,
        aggregateId: stream.aggregateId,
        eventType: e.eventType,
        eventData: JSON.stringify(e.eventData),
        ...(e.metadata === undefined ? {} : { metadata: JSON.stringify(e.metadata) }),
        schemaVersion: e.schemaVersion,
        version: current + i + 1,
        position: String(log.length + i + 1),
        occurredAt: e.occurredAt.getTime(),
        ...(e.userId === undefined ? {} : { userId: e.userId }),
        ...(e.correlationId === undefined ? {} : { correlationId: e.correlationId }),
        ...(e.causationId === undefined ? {} : { causationId: e.causationId }),
      }));
      write({ rows });
      rows.forEach(remember);
      return {
        nextExpectedVersion: current + rows.length,
        firstPosition: BigInt(rows[0]!.position),
        lastPosition: BigInt(rows[rows.length - 1]!.position),
      };
    },

    async getEvents(aggregateType, aggregateId, fromVersion = 0) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      assertVersion(fromVersion, 'fromVersion');
      openFile();
      return streamRows({ aggregateType, aggregateId }).slice(fromVersion).map(toEvent);
    },

    readStream(stream, readOptions) {
      // The kit validates and pages; a page is a slice (version v sits at index v - 1).
      return readStreamPages(stream, readOptions, 500, ({ direction, fromVersion, limit }) => {
        openFile();
        const rows = streamRows(stream);
        if (direction === 'forward') return rows.slice(fromVersion, fromVersion + limit).map(toEvent);
        const end = Math.min(Math.max(fromVersion - 1, 0), rows.length);
        return rows
          .slice(Math.max(end - limit, 0), end)
          .reverse()
          .map(toEvent);
      });
    },

    async getStreamVersion(stream) {
      assertStreamRef(stream);
      openFile();
      return streamRows(stream).length;
    },

    async getSnapshot(aggregateType, aggregateId) {
      assertIdentifier(aggregateType, 'aggregateType');
      assertIdentifier(aggregateId, 'aggregateId');
      openFile();
      const snapshot = snapshots.get(keyOf(aggregateType, aggregateId));
      return snapshot === undefined ? null : structuredClone(snapshot);
    },

    async saveSnapshot(snapshot) {
      assertSnapshot(snapshot);
      openFile();
      const key = keyOf(snapshot.aggregateType, snapshot.aggregateId);
      // An older snapshot never replaces a newer one.
      if ((snapshots.get(key)?.version ?? 0) > snapshot.version) return;
      const copy = structuredClone(snapshot);
      write({ snapshot: { ...copy, createdAt: copy.createdAt.toISOString() } });
      snapshots.set(key, copy);
    },

    getEventsByType(eventType, fromDate) {
      // The kit asks for every stored name that upcasts to `eventType` and merges them in order.
      return readEventsByType(pipeline, eventType, fromDate, (type, from) => {
        openFile();
        const millis = from?.getTime() ?? Number.NEGATIVE_INFINITY;
        return log.filter((row) => row.eventType === type && row.occurredAt >= millis).map(toEvent);
      });
    },

    async getAllEvents(aggregateType, fromPosition = 0n) {
      if (aggregateType !== undefined) assertIdentifier(aggregateType, 'aggregateType');
      assertPosition(fromPosition, 'fromPosition');
      openFile();
      return log
        .slice(startOf(fromPosition))
        .filter((row) => aggregateType === undefined || row.aggregateType === aggregateType)
        .map(toEvent);
    },

    async *readAll(readOptions) {
      const { fromPosition, aggregateTypes, eventTypes, batchSize } = resolveReadAllOptions(readOptions);
      const typeFilter = eventTypes && pipeline.eventTypeFilter(eventTypes);
      let next = startOf(fromPosition);
      for (;;) {
        openFile();
        // One page at a time from where the last one ended, as a database adapter pages with a cursor.
        const page = log.slice(next, next + batchSize);
        if (page.length === 0) return;
        next += page.length;
        for (const row of page) {
          if (aggregateTypes !== undefined && !aggregateTypes.includes(row.aggregateType)) continue;
          if (typeFilter !== undefined && !typeFilter.storedTypes.includes(row.eventType)) continue;
          const event = toEvent(row);
          if (typeFilter === undefined || typeFilter.matches(event)) yield event;
        }
      }
    },

    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** How many events `file` holds, read straight from disk: the suite's backdoor for this adapter. */
export function countRowsInFile(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"rows":'))
    .reduce((count, line) => count + (JSON.parse(line) as { rows: unknown[] }).rows.length, 0);
}
