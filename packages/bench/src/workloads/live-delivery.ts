import { type Processor, type SubscribableEventStore, startProcessor } from '@chronicle/core';
import {
  type LiveWritersPlan,
  type LiveWritersReport,
  PROBE_EVENT_TYPE,
  type ProbeData,
  runLiveWriters,
  wallClockMs,
} from '../live-writers';
import { percentile } from '../stats';
import type { Subject, SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { isAdapter, storeOf } from './consuming-subject';
import { benchScript, runReportingChild } from './reporting-child';
import { type Metrics, verify, type Workload } from './workload';

/** The writer counts W10 measures, as issue 13 asks. */
export const LIVE_WRITERS = [1, 8] as const;

/** W10's metric for one writer count: `p50Ms@8w` (append to handler), `appendP50Ms@8w` (the append alone). */
export const liveMetric = (
  metric: 'p50Ms' | 'p99Ms' | 'appendP50Ms' | 'appendP99Ms',
  writers: number,
): string => `${metric}@${writers}w`;

const CHILD = benchScript('live-writers-child.ts');
/** How long a round may wait for the processor to go live, or for the last probe. */
const PATIENCE_MS = 60_000;

interface W10Prepared {
  readonly subject: Subject;
}

/** Resolves once `check` holds, polling; rejects after {@link PATIENCE_MS}. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`W10 gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A processor from the end of the log that records each probe's latency, live before it returns. */
async function latencyProcessor(
  store: SubscribableEventStore,
  id: string,
  latencies: number[],
): Promise<Processor> {
  const processor = startProcessor(store, {
    id,
    startFrom: 'end',
    filter: { eventTypes: [PROBE_EVENT_TYPE] },
    handle(event) {
      latencies.push(wallClockMs() - (event.eventData as ProbeData).sentAt);
    },
  });
  await until(() => processor.status().state === 'live', `processor ${id} to go live`);
  return processor;
}

/**
 * W10: latency from calling `append` to a processor's handler running, p50 and p99, with 1 and 8
 * writers appending single events at a paced rate. The writers run in a child process on SQLite and
 * PostgreSQL (the processor hears of them through `data_version` polling or NOTIFY, as it would
 * from another service), in-process on the in-memory store.
 */
export const liveDelivery: Workload<W10Prepared> = {
  id: WORKLOAD.liveDelivery,
  title: 'live delivery latency, append to handler, 1 and 8 writers',
  interleaved: true,
  appliesTo: isAdapter,
  async prepare(factory) {
    return { subject: await factory.open() };
  },
  async round(factory: SubjectFactory, { subject }, { scale, label, storage }): Promise<Metrics> {
    const store = storeOf(subject);
    const metrics: Metrics = {};
    for (const writers of LIVE_WRITERS) {
      const plan: LiveWritersPlan = {
        writers,
        eventsPerWriter: Math.ceil(scale.w10Probes / writers),
        // The same total rate for every writer count: 8 writers are concurrent, not 8 times the load.
        intervalMs: scale.w10IntervalMs * writers,
        streamPrefix: `${label}-${writers}w`,
      };
      const expected = plan.writers * plan.eventsPerWriter;
      const latencies: number[] = [];
      const processor = await latencyProcessor(store, `bench-${label}-${writers}w`, latencies);
      try {
        const writes =
          factory.driver === 'memory'
            ? await runLiveWriters(store, plan)
            : await runReportingChild<LiveWritersReport>(CHILD, [
                factory.name,
                subject.location,
                storage.dataDir,
                storage.postgresUrl,
                JSON.stringify(plan),
              ]);
        verify(
          writes.appended === expected,
          `W10 writers appended ${writes.appended} probes, expected ${expected}`,
        );
        metrics[liveMetric('appendP50Ms', writers)] = percentile(writes.appendMs, 50);
        metrics[liveMetric('appendP99Ms', writers)] = percentile(writes.appendMs, 99);
        await until(() => latencies.length >= expected, `${expected} probes (${latencies.length} arrived)`);
      } finally {
        await processor.stop();
      }
      verify(latencies.length === expected, `W10 handled ${latencies.length} probes, expected ${expected}`);
      metrics[liveMetric('p50Ms', writers)] = percentile(latencies, 50);
      metrics[liveMetric('p99Ms', writers)] = percentile(latencies, 99);
    }
    return metrics;
  },
  finish: ({ subject }) => subject.close(),
};
