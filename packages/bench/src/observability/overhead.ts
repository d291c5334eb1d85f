/**
 * `pnpm bench observability`: what Chronicle's OpenTelemetry instrumentation costs. The same append
 * and read workloads run, in one process and interleaved slice by slice, on three stores per
 * adapter (one storage for the three on SQLite and PostgreSQL):
 *
 * - `off`: instrumentation switched off at the source (`setInstrumentationEnabled(false)` when the
 *   store is made: the factory returns the bare store, as without `@opentelemetry/api` installed);
 * - `no-provider`: instrumented, `@opentelemetry/api` loaded, no provider registered (what every
 *   user who does not turn telemetry on runs) — the figure the "free" target (>= 0.98x) is about;
 * - `sdk`: instrumented with the OpenTelemetry SDK registered (a tracer provider with a batch span
 *   processor whose exporter discards, a meter provider aggregating every record): for information.
 *
 * The machine this runs on is shared and its load swings by the second, so the modes are compared
 * in pairs: each workload runs in short slices (about 100 ms of CPU), `off` and `no-provider` back
 * to back in alternating order, many times, then `off` and `sdk` the same way; a slice's rate is
 * divided by the `off` slice next to it, and the report gives the median of those ratios (and each
 * mode's median rate).
 * Rates are per second of this process's CPU time (see `runSlice`).
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

/** How much one slice of each workload does, per adapter (about 100 ms of CPU each). */
interface Sizes {
  /** Single-event appends, each to a new stream. */
  readonly appends: number;
  /** Events of the seeded log that a readAll slice reads (in pages of 500). */
  readonly readAll: number;
  /** Reads of the seeded 1,000-event stream in a readStream slice. */
  readonly streamReads: number;
}

/** Events of the stream `readStream` reads, and at least as many in the log before `readAll` runs. */
const SEEDED = 1_000;

interface Adapter {
  readonly name: string;
  readonly sizes: Sizes;
  /**
   * A store object; the persistent adapters open every mode's store on the same storage (one SQLite
   * file, one PostgreSQL schema), so that the modes differ in instrumentation only, not in file
   * layout or table size. The in-memory store cannot share: each mode gets its own, seeded alike.
   */
  open(): Promise<EventStore>;
  /** Whether the stores share storage (then it is seeded once). */
  readonly shared: boolean;
  dispose(): Promise<void>;
}

/** Options of {@link runOverheadBench}. */
export interface OverheadOptions {
  /** How many slices of each workload per mode. */
  readonly slices: number;
  readonly adapters: readonly string[];
  readonly dataDir: string;
  readonly postgresUrl: string;
}

/** One adapter's results: events per second by mode and workload, per slice, and the median ratios. */
export interface OverheadResult {
  readonly adapter: string;
  readonly perSecond: Record<Mode, Record<WorkloadName, number[]>>;
  /** Median over slices of (mode's rate / the rate of the `off` slice run next to it). */
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
  const schemas: string[] = [];
  const all: Adapter[] = [
    {
      name: 'memory',
      sizes: { appends: 10_000, readAll: 50_000, streamReads: 50 },
      shared: false,
      open: async () => createInMemoryEventStore(),
      dispose: async () => undefined,
    },
    {
      name: 'sqlite',
      sizes: { appends: 1_000, readAll: 20_000, streamReads: 20 },
      shared: true,
      open: async () => createSqliteEventStore({ filename: join(options.dataDir, `otel-${process.pid}.db`) }),
      dispose: async () => undefined,
    },
    {
      name: 'postgres',
      sizes: { appends: 200, readAll: 10_000, streamReads: 10 },
      shared: true,
      async open() {
        const schema = `bench_otel_${process.pid}`;
        if (!schemas.includes(schema)) schemas.push(schema);
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

/**
 * One slice of `workload` on `store`: events per second of this process's CPU time. CPU time, not
 * wall time: the machine is shared, and other processes' load would otherwise decide the ratios.
 * (For PostgreSQL it leaves the server's work out, so the client's overhead weighs more than it
 * does in a wall-clock figure: the ratio is a conservative one.)
 */
async function runSlice(
  store: EventStore,
  workload: WorkloadName,
  sizes: Sizes,
  slice: string,
): Promise<number> {
  let events = 0;
  globalThis.gc?.(); // a collection owed by the previous slice is not charged to this one
  const cpu = process.cpuUsage();
  if (workload === 'append') {
    for (let i = 0; i < sizes.appends; i++) {
      await store.append({ aggregateType: 'Bench', aggregateId: `${slice}-${i}` }, 'no_stream', [
        { eventType: 'Deposited', eventData: { amount: i } },
      ]);
    }
    events = sizes.appends;
  } else if (workload === 'readAll') {
    for await (const _ of store.readAll({ batchSize: 500 })) if (++events === sizes.readAll) break;
  } else {
    for (let pass = 0; pass < sizes.streamReads; pass++) {
      for await (const _ of store.readStream({ aggregateType: 'Bench', aggregateId: 'long' })) events++;
    }
  }
  const { user, system } = process.cpuUsage(cpu);
  return (events * 1e6) / (user + system);
}

/** Runs the comparison; `log` gets a line per adapter and workload. */
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
      if (adapter.shared && mode !== MODES[0]) continue;
      // The stream readStream reads, and a log at least as long as a readAll slice reads.
      const deposits = Array.from({ length: SEEDED }, (_, i) => ({
        eventType: 'Deposited',
        eventData: { amount: i },
      }));
      await stores[mode].append({ aggregateType: 'Bench', aggregateId: 'long' }, 'no_stream', deposits);
      for (let seeded = SEEDED; seeded < adapter.sizes.readAll; seeded += SEEDED) {
        await stores[mode].append(
          { aggregateType: 'Bench', aggregateId: `seed-${seeded}` },
          'no_stream',
          deposits,
        );
      }
    }
    const perSecond = Object.fromEntries(
      MODES.map((mode) => [mode, Object.fromEntries(WORKLOADS.map((w) => [w, [] as number[]]))]),
    ) as OverheadResult['perSecond'];
    // Two phases: `off` against `no-provider` first, so the "free" figure is taken before the SDK's
    // code ever ran in this process (as in an application without a provider: a traced path that has
    // run would make the untraced one's call sites polymorphic); then `off` against `sdk`.
    const ratios = {} as OverheadResult['ratio'];
    for (const other of ['no-provider', 'sdk'] as const) {
      ratios[other] = {} as Record<WorkloadName, number>;
      for (const workload of WORKLOADS) {
        const offBeside: number[] = [];
        // Slice 0 warms up (JIT, caches) and is not counted. The two run back to back, in turns first.
        for (let slice = 0; slice <= options.slices; slice++) {
          for (const mode of slice % 2 === 0 ? (['off', other] as const) : ([other, 'off'] as const)) {
            const unregister = mode === 'sdk' ? registerSdk() : undefined;
            try {
              const rate = await runSlice(stores[mode], workload, adapter.sizes, `${other}-${mode}-${slice}`);
              if (slice === 0) continue;
              if (mode === 'off') offBeside.push(rate);
              else perSecond[mode][workload].push(rate);
            } finally {
              await unregister?.();
            }
          }
        }
        if (other === 'no-provider') perSecond.off[workload].push(...offBeside);
        ratios[other][workload] = median(perSecond[other][workload].map((rate, i) => rate / offBeside[i]!));
        log(
          `${adapter.name} ${workload}: off ${Math.round(median(offBeside))}, ${other} ${Math.round(median(perSecond[other][workload]))} events/s, ratio ${ratios[other][workload].toFixed(3)} (${options.slices} slices)`,
        );
      }
    }
    for (const store of Object.values(stores)) await store.close();
    await adapter.dispose();
    results.push({
      adapter: adapter.name,
      perSecond,
      ratio: ratios,
    });
  }
  return results;
}

/** The results as a Markdown table, with the target check for `no-provider`. */
export function renderOverhead(results: readonly OverheadResult[], slices: number): string {
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
    `Medians of ${slices} slices per mode; a ratio is a slice's rate over the \`off\` slice run next to it.`,
    misses.length === 0
      ? 'Target met: with no provider, every workload runs at >= 0.98x of the uninstrumented store.'
      : `Target MISSED (< 0.98x without a provider): ${misses.join(', ')}`,
    `load average (1/5/15 min): ${os.loadavg().map(round2).join('/')}`,
  );
  return lines.join('\n');
}
