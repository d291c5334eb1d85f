import type {
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { isEventStoreError } from '../errors';
import { type OtelApi, otelApi } from './otel-api';
import { ATTR, INSTRUMENTATION_SCOPE, METRIC } from './telemetry-names';

/** The synchronous instruments, created once per meter provider. */
export interface Instruments {
  readonly meter: Meter;
  readonly appendDuration: Histogram;
  readonly eventsAppended: Counter;
  readonly appendConflicts: Counter;
  readonly eventsRead: Counter;
  readonly snapshotLoads: Counter;
  readonly processorFailures: Counter;
  readonly processorParked: Counter;
  readonly relayPublishDuration: Histogram;
}

/** What an instrumented call needs: the API, a tracer and the instruments. */
export interface Telemetry {
  readonly api: OtelApi;
  readonly tracer: Tracer;
  readonly instruments: Instruments;
}

/** The providers the cached telemetry was made for, and whether either is a real one. */
interface Resolved {
  readonly tracerDelegate: unknown;
  readonly meterProvider: MeterProvider;
  readonly telemetry: Telemetry | undefined;
}

let resolved: Resolved | undefined;
let noopTracerProvider: unknown;
let noopMeterClass: unknown;

/**
 * The tracer and instruments for one call, or `undefined` when there is nothing to report to:
 * `@opentelemetry/api` is absent, instrumentation is off, or the application has registered neither
 * a tracer provider nor a meter provider. Then the instrumented call takes its plain path, so the
 * cost without a provider is two global reads and a method call.
 *
 * The registered providers are looked up on every call and the tracer and instruments made again
 * when one changed: the metrics API has no proxy (instruments made before the application registers
 * its provider would stay no-ops for ever), and the global tracer provider is a proxy whose delegate
 * is set when the application registers one.
 */
export function telemetry(): Telemetry | undefined {
  const api = otelApi();
  if (api === undefined || !anythingRegistered()) return undefined;
  const proxy = api.trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const tracerDelegate = typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy;
  const meterProvider = api.metrics.getMeterProvider();
  if (resolved?.tracerDelegate !== tracerDelegate || resolved.meterProvider !== meterProvider) {
    resolved = {
      tracerDelegate,
      meterProvider,
      telemetry: resolve(api, proxy, tracerDelegate, meterProvider),
    };
  }
  return resolved.telemetry;
}

/**
 * Where every copy of `@opentelemetry/api` 1.x keeps the registered providers (the API's own
 * process-wide registry, shared across its copies and module formats).
 */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * False when no tracer or meter provider is registered: then every span and instrument would be a
 * no-op. One property read, where asking the API goes through its getters and version check: the
 * difference is measurable on the in-memory store's appends (`pnpm bench observability`).
 */
function anythingRegistered(): boolean {
  const registry = (globalThis as Record<symbol, { trace?: unknown; metrics?: unknown } | undefined>)[
    API_GLOBAL
  ];
  return registry !== undefined && (registry.trace !== undefined || registry.metrics !== undefined);
}

function resolve(
  api: OtelApi,
  tracerProvider: TracerProvider,
  tracerDelegate: unknown,
  meterProvider: MeterProvider,
): Telemetry | undefined {
  // This copy of the API's own no-ops: what the globals return while nothing is registered.
  noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
  noopMeterClass ??= api.createNoopMeter().constructor;
  const meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE);
  const tracing = tracerDelegate !== noopTracerProvider;
  const metering = !(meter instanceof (noopMeterClass as new () => Meter));
  if (!tracing && !metering) return undefined;
  const previous = resolved?.telemetry;
  return {
    api,
    tracer: tracerProvider.getTracer(INSTRUMENTATION_SCOPE),
    instruments:
      previous !== undefined && resolved?.meterProvider === meterProvider
        ? previous.instruments
        : createInstruments(meter),
  };
}

function createInstruments(meter: Meter): Instruments {
  return {
    meter,
    appendDuration: meter.createHistogram(METRIC.APPEND_DURATION, {
      description: 'How long appends take, by adapter and outcome.',
      unit: 's',
    }),
    eventsAppended: meter.createCounter(METRIC.EVENTS_APPENDED, {
      description: 'Events in appends, by adapter and outcome (ok: written or an idempotent repeat).',
      unit: '{event}',
    }),
    appendConflicts: meter.createCounter(METRIC.APPEND_CONFLICTS, {
      description: 'Appends rejected because the expected version did not hold.',
      unit: '{append}',
    }),
    eventsRead: meter.createCounter(METRIC.EVENTS_READ, {
      description: 'Events returned by readStream and readAll (read throughput), by adapter and kind.',
      unit: '{event}',
    }),
    snapshotLoads: meter.createCounter(METRIC.SNAPSHOT_LOADS, {
      description: 'Aggregate loads by snapshot result (hit or miss): the snapshot hit ratio.',
      unit: '{load}',
    }),
    processorFailures: meter.createCounter(METRIC.PROCESSOR_FAILURES, {
      description: 'Failed handler calls (every attempt), by processor.',
      unit: '{call}',
    }),
    processorParked: meter.createCounter(METRIC.PROCESSOR_PARKED, {
      description: 'Events parked after their last failed attempt, by processor.',
      unit: '{event}',
    }),
    relayPublishDuration: meter.createHistogram(METRIC.RELAY_PUBLISH_DURATION, {
      description: 'How long a relay takes to publish a batch and have every message confirmed.',
      unit: 's',
    }),
  };
}

/**
 * Runs `fn` inside `span` (as the active span, so spans it starts are children), records its error,
 * and ends the span when it settles.
 */
export async function runInSpan<T>(
  t: Telemetry,
  span: Span,
  fn: () => Promise<T>,
  onResult?: (result: T) => void,
): Promise<T> {
  try {
    const result = await t.api.context.with(t.api.trace.setSpan(t.api.context.active(), span), fn);
    onResult?.(result);
    return result;
  } catch (error) {
    recordError(t, span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks `span` failed with `error` (its code as `error.type`). */
export function recordError(t: Telemetry, span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.setAttribute(ATTR.ERROR_TYPE, errorType(error));
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: t.api.SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** `error.type`: Chronicle's error code, else the error's class name. */
export function errorType(error: unknown): string {
  if (isEventStoreError(error)) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}

/**
 * A position as an attribute value: attributes hold no bigint, so a number while exact (every
 * position below 2^53), else its decimal string.
 */
export function positionValue(position: bigint): number | string {
  return position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : position.toString();
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Attributes of a gauge value. Chronicle's own type, not the API's: a public declaration that
 * named `@opentelemetry/api` would not compile for an application without it (an optional peer).
 */
export type GaugeAttributes = Readonly<Record<string, string | number | boolean>>;

/** An observable gauge {@link observeGauge} registers. */
export interface GaugeDefinition {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
}

/**
 * Reports `read()` on an observable gauge at each metric collection until the returned function is
 * called. `read` may be async (a query) and returns the values with their attributes; a value of
 * `undefined` is skipped. Uses the meter provider registered now: register the SDK before creating
 * what is observed. Without `@opentelemetry/api`, or with no provider, `read` is never called.
 */
export function observeGauge(
  gauge: GaugeDefinition,
  read: () =>
    | ReadonlyArray<readonly [number | undefined, GaugeAttributes]>
    | Promise<ReadonlyArray<readonly [number | undefined, GaugeAttributes]>>,
): () => void {
  const t = telemetry();
  if (t === undefined) return () => undefined;
  const observable = t.instruments.meter.createObservableGauge(gauge.name, {
    description: gauge.description,
    unit: gauge.unit,
  });
  const callback = async (result: { observe(value: number, attributes?: GaugeAttributes): void }) => {
    for (const [value, attributes] of await read())
      if (value !== undefined) result.observe(value, attributes);
  };
  observable.addCallback(callback);
  return () => observable.removeCallback(callback);
}
