import type { Attributes, Span } from '@opentelemetry/api';
import type {
  AppendResult,
  DomainEvent,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StreamRef,
} from '../contract/types';
import { InvalidArgumentError, isConcurrencyError, isDuplicateEventError } from '../errors';
import { DEFAULT_READ_ALL_BATCH_SIZE } from '../validation/arguments';
import { otelApi } from './otel-api';
import { positionValue, recordError, secondsSince, type Telemetry, telemetry } from './telemetry';
import { ATTR, SPAN } from './telemetry-names';
import { injectTraceContext } from './trace-context';

/** What an adapter tells {@link instrumentEventStore} about itself. */
export interface StoreTelemetryOptions {
  /** `chronicle.adapter`: the adapter's name, e.g. `'sqlite'`. Low-cardinality (a metric attribute). */
  readonly adapter: string;
  /**
   * `db.system.name`: a value of the semantic conventions (`postgresql`, `sqlite`, …) or, when none
   * fits, the adapter's own (the in-memory store says `chronicle.in_memory`).
   */
  readonly dbSystem: string;
  /** `db.namespace`: the PostgreSQL schema, the SQLite file; omitted when there is none. */
  readonly namespace?: string | undefined;
  /** The adapter's `readStream` page size, so that each page gets its span. */
  readonly streamPageSize: number;
  /** Write the active trace context into each appended event's metadata (`EventStoreOptions.propagateTraceContext`). */
  readonly propagateTraceContext?: boolean | undefined;
}

/**
 * The store with a span and metrics around `append` and each page of `readStream` and `readAll`
 * (see `docs/observability.md`). An adapter factory returns `instrumentEventStore(store, {...})`
 * with the object it has just built: those three methods are replaced on it, every other member is
 * left as it is.
 *
 * When `@opentelemetry/api` is not installed the store itself is returned. When it is but the
 * application has registered no provider, each call starts one no-op span and records on no-op
 * instruments (measured in `packages/bench`, "observability").
 */
export function instrumentEventStore<S extends EventStore>(store: S, options: StoreTelemetryOptions): S {
  if (options.propagateTraceContext !== undefined && typeof options.propagateTraceContext !== 'boolean') {
    throw new InvalidArgumentError('options.propagateTraceContext', 'must be a boolean');
  }
  if (otelApi() === undefined) return store;
  // Wrapped in place: the factory's object keeps its shape and its own members (`migrate`, `size`, …).
  const { append, readStream, readAll } = store;
  const base: Attributes = {
    [ATTR.DB_SYSTEM_NAME]: options.dbSystem,
    [ATTR.DB_SYSTEM]: options.dbSystem,
    [ATTR.ADAPTER]: options.adapter,
  };
  if (options.namespace !== undefined) base[ATTR.DB_NAMESPACE] = options.namespace;
  const propagate = options.propagateTraceContext === true;

  store.append = (stream, expectedVersion, events) => {
    const t = telemetry();
    if (t === undefined) return append(stream, expectedVersion, events);
    return tracedAppend(t, append, base, propagate, stream, expectedVersion, events);
  };
  // A read wraps the adapter's iterator only when there is somewhere to report to: the wrapper adds an
  // async step per event, which is what "free without a provider" could not afford.
  store.readStream = (stream, readOptions) =>
    telemetry() === undefined
      ? readStream(stream, readOptions)
      : tracedPages(readStream(stream, readOptions), {
          base,
          operation: SPAN.READ_STREAM,
          aggregateType: typeof stream?.aggregateType === 'string' ? stream.aggregateType : undefined,
          pageSize: Math.min(options.streamPageSize, readLimit(readOptions)),
          limit: readLimit(readOptions),
          nextFrom: (event) => event.version,
          from: readStreamFrom(readOptions),
          extra: (span) => {
            span.setAttribute(ATTR.STREAM_AGGREGATE_ID, String(stream?.aggregateId));
            span.setAttribute(ATTR.READ_DIRECTION, readOptions?.direction ?? 'forward');
          },
        });
  store.readAll = (readOptions?: ReadAllOptions) =>
    telemetry() === undefined
      ? readAll(readOptions)
      : tracedPages(readAll(readOptions), {
          base,
          operation: SPAN.READ_ALL,
          aggregateType: undefined,
          pageSize: validPageSize(readOptions?.batchSize) ?? DEFAULT_READ_ALL_BATCH_SIZE,
          limit: Number.POSITIVE_INFINITY,
          nextFrom: (event) => positionValue(event.position),
          from: typeof readOptions?.fromPosition === 'bigint' ? positionValue(readOptions.fromPosition) : 0,
        });
  return store;
}

async function tracedAppend(
  t: Telemetry,
  append: EventStore['append'],
  base: Attributes,
  propagate: boolean,
  stream: StreamRef,
  expectedVersion: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<AppendResult> {
  const aggregateType = typeof stream?.aggregateType === 'string' ? stream.aggregateType : undefined;
  const span = t.tracer.startSpan(
    aggregateType === undefined ? SPAN.APPEND : `${SPAN.APPEND} ${aggregateType}`,
    {
      kind: t.api.SpanKind.CLIENT,
    },
  );
  const count = Array.isArray(events) ? events.length : 0;
  if (span.isRecording()) {
    span.setAttributes(base);
    span.setAttribute(ATTR.DB_OPERATION_NAME, SPAN.APPEND);
    if (aggregateType !== undefined) {
      span.setAttribute(ATTR.DB_COLLECTION_NAME, aggregateType);
      span.setAttribute(ATTR.STREAM_AGGREGATE_TYPE, aggregateType);
      span.setAttribute(ATTR.STREAM_AGGREGATE_ID, String(stream.aggregateId));
    }
    span.setAttribute(ATTR.EXPECTED_VERSION, String(expectedVersion));
    span.setAttribute(ATTR.EVENT_COUNT, count);
  }
  const started = performance.now();
  let outcome = 'ok';
  try {
    const active = t.api.trace.setSpan(t.api.context.active(), span);
    const result = await t.api.context.with(active, () =>
      append(stream, expectedVersion, propagate ? injectTraceContext(t, events) : events),
    );
    if (span.isRecording()) {
      span.setAttribute(ATTR.POSITION_FIRST, positionValue(result.firstPosition));
      span.setAttribute(ATTR.POSITION_LAST, positionValue(result.lastPosition));
      span.setAttribute(ATTR.NEXT_EXPECTED_VERSION, result.nextExpectedVersion);
    }
    return result;
  } catch (error) {
    outcome = isConcurrencyError(error) ? 'conflict' : isDuplicateEventError(error) ? 'duplicate' : 'error';
    recordError(t, span, error);
    throw error;
  } finally {
    span.setAttribute(ATTR.APPEND_OUTCOME, outcome);
    span.end();
    const metricAttributes = { [ATTR.ADAPTER]: base[ATTR.ADAPTER], [ATTR.APPEND_OUTCOME]: outcome };
    t.instruments.appendDuration.record(secondsSince(started), metricAttributes);
    if (count > 0) t.instruments.eventsAppended.add(count, metricAttributes);
    if (outcome === 'conflict') t.instruments.appendConflicts.add(1, { [ATTR.ADAPTER]: base[ATTR.ADAPTER] });
  }
}

/** How {@link tracedPages} names and describes one kind of read. */
interface PagedRead {
  readonly base: Attributes;
  readonly operation: string;
  readonly aggregateType: string | undefined;
  /** Events per page: the adapter fetches a page every this many events. */
  readonly pageSize: number;
  /** The most events the read returns: once reached, the last `next()` reads nothing. */
  readonly limit: number;
  /** The exclusive bound the read starts after. */
  readonly from: number | string;
  /** The bound the page after `event` starts after. */
  readonly nextFrom: (event: DomainEvent) => number | string;
  readonly extra?: (span: Span) => void;
}

/**
 * The read, with a span around the `next()` that fetches each page: the first one, and every
 * `pageSize` events after (the span times the storage read, not the caller's work between events).
 * The events read are counted once per page. Every other `next()` is the adapter's own, passed
 * through without an extra async step.
 */
function tracedPages(events: AsyncIterable<DomainEvent>, read: PagedRead): AsyncIterable<DomainEvent> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = events[Symbol.asyncIterator]();
      let from = read.from;
      let inPage = 0;
      let delivered = 0;
      let t: Telemetry | undefined;
      const countPage = () => {
        if (inPage > 0 && t !== undefined) {
          t.instruments.eventsRead.add(inPage, {
            [ATTR.ADAPTER]: read.base[ATTR.ADAPTER],
            [ATTR.READ_KIND]: read.operation,
          });
        }
        inPage = 0;
      };
      const seen = (step: IteratorResult<DomainEvent>) => {
        if (step.done) countPage();
        else {
          inPage++;
          delivered++;
          from = read.nextFrom(step.value);
        }
        return step;
      };
      return {
        next(): Promise<IteratorResult<DomainEvent>> {
          if (inPage % read.pageSize !== 0 || delivered >= read.limit) return iterator.next().then(seen);
          countPage();
          t = telemetry();
          return (t === undefined ? iterator.next() : fetchPage(t, iterator, read, from)).then(seen);
        },
        async return(): Promise<IteratorResult<DomainEvent>> {
          countPage();
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

async function fetchPage(
  t: Telemetry,
  iterator: AsyncIterator<DomainEvent>,
  read: PagedRead,
  from: number | string,
): Promise<IteratorResult<DomainEvent>> {
  const name = read.aggregateType === undefined ? read.operation : `${read.operation} ${read.aggregateType}`;
  const span = t.tracer.startSpan(name, { kind: t.api.SpanKind.CLIENT });
  if (span.isRecording()) {
    span.setAttributes(read.base);
    span.setAttribute(ATTR.DB_OPERATION_NAME, read.operation);
    if (read.aggregateType !== undefined) {
      span.setAttribute(ATTR.DB_COLLECTION_NAME, read.aggregateType);
      span.setAttribute(ATTR.STREAM_AGGREGATE_TYPE, read.aggregateType);
    }
    span.setAttribute(ATTR.READ_FROM, from);
    span.setAttribute(ATTR.READ_PAGE_SIZE, read.pageSize);
    read.extra?.(span);
  }
  try {
    return await t.api.context.with(t.api.trace.setSpan(t.api.context.active(), span), () => iterator.next());
  } catch (error) {
    recordError(t, span, error);
    throw error;
  } finally {
    span.end();
  }
}

function validPageSize(size: unknown): number | undefined {
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
}

function readLimit(options: ReadStreamOptions | undefined): number {
  return validPageSize(options?.limit) ?? Number.POSITIVE_INFINITY;
}

function readStreamFrom(options: ReadStreamOptions | undefined): number | string {
  if (typeof options?.fromVersion === 'number') return options.fromVersion;
  return options?.direction === 'backward' ? 'end' : 0;
}
