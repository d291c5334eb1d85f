/**
 * `pnpm bench observability`: what Chronicle's OpenTelemetry instrumentation costs. The same append
 * and read workloads run, in one process and interleaved round by round, on three stores per
 * adapter:
 *
 * - `off`: instrumentation switched off at the source (`setInstrumentationEnabled(false)` when the
 *   store is made: the factory returns the bare store, as without `@opentelemetry/api` installed);
 * - `no-provider`: instrumented, `@opentelemetry/api` loaded, no provider registered (what every
 *   user who does not turn telemetry on runs) — the figure the "free" target (>= 0.98x) is about;
 * - `sdk`: instrumented with the OpenTelemetry SDK registered (a tracer provider with a batch span
 *   processor whose exporter discards, a meter provider aggregating every record): for information.
 *
 * Ratios are per round against `off` in the same round; the report gives their median.
 */
import os from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventStore, type EventStore } from '@chronicle/core';
import { setInstrumentationEnabled } from '@chronicle/core/adapter';
import { createPostgresEventStore } from '@chronicle/postgres';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { round2 } from '../machine';
import { median } from '../stats';

/** How the instrumentation is set up for a run. */
export const MODES = ['off', 'no-provider', 'sdk'] as const;
export type Mode = (typeof MODES)[number];

/** The workloads, each measured in events per second. */
export const WORKLOADS = ['append', 'readAll', 'readStream'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** How much each adapter does per round (sized so that a round takes a few hundred ms). */
interface Sizes {
  /** Single-event appends, each to a new stream. */
  readonly appends: number;
  /** Passes of readAll over the log (in pages of 500). */
  readonly readAllPasses: number;
  /** Events in the stream readStream reads, and how many times. */
  readonly streamLength: number;
  readonly streamReads: number;
}

interface Adapter {
  readonly name: string;
  readonly sizes: Sizes;
  open(): Promise<EventStore>;
  dispose(): Promise<void>;
}

/** Options of {@link runOverheadBench}. */
export interface OverheadOptions {
  readonly rounds: number;
  readonly adapters: readonly string[];
  readonly dataDir: string;
  readonly postgresUrl: string;
  readonly quick: boolean;
}

/** One adapter's results: events per second by mode and workload, per round, and the median ratios. */
export interface OverheadResult {
  readonly adapter: string;
  readonly perSecond: Record<Mode, Record<WorkloadName, number[]>>;
  /** Median over rounds of (mode's rate / off's rate in the same round). */
  readonly ratio: Record<Exclude<Mode, 'off'>, Record<WorkloadName, number>>;
}

/** A span exporter that drops everything: the SDK does all its work except the network. */
const discard: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

class NeverCollected extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function registerSdk(): () => Promise<void> {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] });
  const meterProvider = new MeterProvider({ readers: [new NeverCollected()] });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return async () => {
    trace.disable();
    metrics.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  };
}

function adapters(options: OverheadOptions): Adapter[] {
  const scale = options.quick ? 0.2 : 1;
  const sized = (s: Sizes): Sizes => ({
    appends: Math.ceil(s.appends * scale),
    readAllPasses: s.readAllPasses,
    streamLength: s.streamLength,
    streamReads: Math.ceil(s.streamReads * scale),
  });
  let files = 0;
  const schemas: string[] = [];
  const all: Adapter[] = [
    {
      name: 'memory',
      sizes: sized({ appends: 20_000, readAllPasses: 2, streamLength: 1_000, streamReads: 40 }),
      open: async () => createInMemoryEventStore(),
      dispose: async () => undefined,
    },
    {
      name: 'sqlite',
      sizes: sized({ appends: 3_000, readAllPasses: 1, streamLength: 1_000, streamReads: 20 }),
      open: async () =>
        createSqliteEventStore({ filename: join(options.dataDir, `otel-${process.pid}-${++files}.db`) }),
      dispose: async () => undefined,
    },
    {
      name: 'postgres',
      sizes: sized({ appends: 600, readAllPasses: 1, streamLength: 1_000, streamReads: 10 }),
      async open() {
        const schema = `bench_otel_${process.pid}_${schemas.length}`;
        schemas.push(schema);
        const store = createPostgresEventStore({ connectionString: options.postgresUrl, schema });
        await store.migrate();
        return store;
      },
      async dispose() {
        const client = new pg.Client({ connectionString: options.postgresUrl });
        await client.connect();
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      },
    },
  ];
  return all.filter((adapter) => options.adapters.includes(adapter.name));
}

/** One round of every workload on `store`: events per second for each. */
async function runRound(store: EventStore, sizes: Sizes, round: number, mode: Mode) {
  const rates = {} as Record<WorkloadName, number>;
  let started = performance.now();
  for (let i = 0; i < sizes.appends; i++) {
    await store.append({ aggregateType: 'Bench', aggregateId: `${mode}-${round}-${i}` }, 'no_stream', [
      { eventType: 'Deposited', eventData: { amount: i } },
    ]);
  }
  rates.append = (sizes.appends * 1000) / (performance.now() - started);

  let read = 0;
  started = performance.now();
  for (let pass = 0; pass < sizes.readAllPasses; pass++) {
    for await (const _ of store.readAll({ batchSize: 500 })) read++;
  }
  rates.readAll = (read * 1000) / (performance.now() - started);

  read = 0;
  const stream = { aggregateType: 'Bench', aggregateId: 'long' };
  started = performance.now();
  for (let pass = 0; pass < sizes.streamReads; pass++) {
    for await (const _ of store.readStream(stream)) read++;
  }
  rates.readStream = (read * 1000) / (performance.now() - started);
  return rates;
}

/** Runs the comparison; `log` gets a line per round. */
export async function runOverheadBench(
  options: OverheadOptions,
  log: (line: string) => void,
): Promise<OverheadResult[]> {
  const results: OverheadResult[] = [];
  for (const adapter of adapters(options)) {
    const stores = {} as Record<Mode, EventStore>;
    for (const mode of MODES) {
      setInstrumentationEnabled(mode !== 'off');
      stores[mode] = await adapter.open();
      setInstrumentationEnabled(true);
      await stores[mode].append(
        { aggregateType: 'Bench', aggregateId: 'long' },
        'no_stream',
        Array.from({ length: adapter.sizes.streamLength }, (_, i) => ({
          eventType: 'Deposited',
          eventData: { amount: i },
        })),
      );
    }
    const perSecond = Object.fromEntries(
      MODES.map((mode) => [mode, Object.fromEntries(WORKLOADS.map((w) => [w, [] as number[]]))]),
    ) as OverheadResult['perSecond'];
    // Round 0 warms up (JIT, caches, page cache) and is not counted.
    for (let round = 0; round <= options.rounds; round++) {
      // The order of the modes rotates each round, so none always runs first or after the SDK.
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      const line: string[] = [];
      for (const mode of order) {
        const unregister = mode === 'sdk' ? registerSdk() : undefined;
        try {
          const rates = await runRound(stores[mode], adapter.sizes, round, mode);
          if (round > 0) for (const w of WORKLOADS) perSecond[mode][w].push(rates[w]);
          line.push(`${mode} ${WORKLOADS.map((w) => Math.round(rates[w])).join('/')}`);
        } finally {
          await unregister?.();
        }
      }
      log(`${adapter.name} round ${round}${round === 0 ? ' (warm-up)' : ''}: ${line.join(', ')} events/s`);
    }
    for (const store of Object.values(stores)) await store.close();
    await adapter.dispose();
    const ratioOf = (mode: Exclude<Mode, 'off'>) =>
      Object.fromEntries(
        WORKLOADS.map((w) => [w, median(perSecond[mode][w].map((rate, i) => rate / perSecond.off[w][i]!))]),
      ) as Record<WorkloadName, number>;
    results.push({
      adapter: adapter.name,
      perSecond,
      ratio: { 'no-provider': ratioOf('no-provider'), sdk: ratioOf('sdk') },
    });
  }
  return results;
}

/** The results as a Markdown table, with the target check for `no-provider`. */
export function renderOverhead(results: readonly OverheadResult[], rounds: number): string {
  const lines = [
    `| adapter | workload | off (events/s) | no provider (events/s) | no provider / off | SDK (events/s) | SDK / off |`,
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const w of WORKLOADS) {
      lines.push(
        `| ${r.adapter} | ${w} | ${Math.round(median(r.perSecond.off[w]))} | ${Math.round(median(r.perSecond['no-provider'][w]))} | ${r.ratio['no-provider'][w].toFixed(3)} | ${Math.round(median(r.perSecond.sdk[w]))} | ${r.ratio.sdk[w].toFixed(3)} |`,
      );
    }
  }
  const misses = results.flatMap((r) =>
    WORKLOADS.filter((w) => r.ratio['no-provider'][w] < 0.98).map((w) => `${r.adapter} ${w}`),
  );
  lines.push(
    '',
    `Medians of ${rounds} rounds; ratios are per round against \`off\` in the same round.`,
    misses.length === 0
      ? 'Target met: with no provider, every workload runs at >= 0.98x of the uninstrumented store.'
      : `Target MISSED (< 0.98x without a provider): ${misses.join(', ')}`,
    `load average (1/5/15 min): ${os.loadavg().map(round2).join('/')}`,
  );
  return lines.join('\n');
}
