/**
 * A real OpenTelemetry SDK for tests: a tracer provider exporting to an in-memory span exporter, a
 * meter provider with a reader collected on demand, the async-hooks context manager and the W3C
 * propagator, registered globally as an application would (and unregistered after).
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader that exports nothing by itself: the test collects when it wants the figures. */
class CollectOnDemand extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestTelemetry {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Finished spans whose name starts with `prefix`. */
  spansNamed(prefix: string): ReadableSpan[];
  /** Collects every metric now. */
  collect(): Promise<MetricData[]>;
  /** The points of one metric, `[]` when it has none. */
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  /** The sum of a counter's points whose attributes include `where`. */
  sum(name: string, where?: Record<string, unknown>): Promise<number>;
  /** Unregisters everything. */
  uninstall(): Promise<void>;
}

/** The providers, not yet registered: `register()` makes them the application's. */
export function createTestTelemetry(): TestTelemetry & { register(): void } {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectOnDemand();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  const points = async (name: string) =>
    ((await collect()).find((metric) => metric.descriptor.name === name)?.dataPoints ?? []) as DataPoint<
      number | Histogram
    >[];
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    spansNamed: (prefix) => exporter.getFinishedSpans().filter((span) => span.name.startsWith(prefix)),
    collect,
    points,
    async sum(name, where = {}) {
      let total = 0;
      for (const point of await points(name)) {
        const matches = Object.entries(where).every(([key, value]) => point.attributes[key] === value);
        if (matches && typeof point.value === 'number') total += point.value;
      }
      return total;
    },
    register() {
      context.setGlobalContextManager(contextManager.enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(tracerProvider);
      metrics.setGlobalMeterProvider(meterProvider);
    },
    async uninstall() {
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** {@link createTestTelemetry}, registered. */
export function installTelemetry(): TestTelemetry {
  const telemetry = createTestTelemetry();
  telemetry.register();
  return telemetry;
}

/** The one span named `name` (fails the test otherwise). */
export function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one span ${name}, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  }
  return found[0]!;
}

/** The id of a span's parent, `undefined` for a root span (SDK 2 keeps it in `parentSpanContext`). */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
