import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_RELAY_BATCH_SIZE, DEFAULT_RELAY_WINDOW } from '@chronicle/core/relay';
import { runRabbitMqRelayBench } from '../relay/rabbitmq-relay-bench';
import { runRelayBench } from '../relay/relay-bench';
import type { Scale } from '../scale';
import { WORKLOAD, type WorkloadId } from '../workload-ids';
import type { Metrics, Workload } from './workload';

/** The brokers, as the standalone relay commands find them. */
const natsUrl = () => process.env.CHRONICLE_NATS_URL || 'nats://127.0.0.1:4222';
const rabbitMqUrl = () => process.env.CHRONICLE_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Each relay bench runs two rounds of its own per harness round, so that relay and baseline each go
 * first once (the bench alternates them); the harness's round is their median.
 */
const SIDES_FIRST = 2;

/**
 * Why the broker at `url` cannot be reached (a TCP connect within 2 s), or undefined when it can.
 * The reason names the host and port only: the URL may carry credentials.
 */
async function unreachable(url: string, defaultPort: number): Promise<string | undefined> {
  const { protocol, hostname, port } = new URL(url);
  const where = `${protocol}//${hostname}:${port || defaultPort}`;
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 2000 });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason === undefined ? undefined : `${where} is unreachable: ${reason}`);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done('no answer within 2 s'));
    socket.once('error', (error) => done(error.message));
  });
}

/** One relay round's figures, from either relay bench. */
interface RelayFigures {
  readonly relay: number;
  readonly baseline: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * A relay workload on the `sqlite` target: `run` measures a round of its relay bench in a fresh
 * directory; the baseline's rate goes to the raw column. Skipped with the reason when the broker is
 * out of reach (unless the run requires brokers).
 */
function relayWorkload(spec: {
  readonly id: WorkloadId;
  readonly title: string;
  readonly warmUp?: false;
  readonly url: () => string;
  readonly defaultPort: number;
  readonly run: (dataDir: string, url: string, scale: Scale) => Promise<RelayFigures>;
}): Workload<undefined> {
  return {
    id: spec.id,
    title: spec.title,
    interleaved: true,
    ...(spec.warmUp === false && { warmUp: false }),
    appliesTo: (factory) => factory.name === 'sqlite',
    pairedBaseline: { eventsPerSec: 'baselineEventsPerSec' },
    unavailable: () => unreachable(spec.url(), spec.defaultPort),
    async prepare() {
      return undefined;
    },
    async round(_factory, _prepared, context): Promise<Metrics> {
      const dir = mkdtempSync(join(context.storage.dataDir, `${context.label}-`));
      try {
        const r = await spec.run(dir, spec.url(), context.scale);
        return { eventsPerSec: r.relay, baselineEventsPerSec: r.baseline, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async finish() {},
  };
}

/**
 * W14: the NATS JetStream relay (`relay/relay-bench.ts`, issue 15) publishing a stored backlog of
 * `scale.relayEvents` events against the same client publishing the same messages in a loop with the
 * same window; then the time from `append` until an ordered consumer receives, one event at a time.
 */
export const natsRelay = relayWorkload({
  id: WORKLOAD.natsRelay,
  title: 'NATS JetStream relay vs the same client in a loop; append→consumer latency',
  url: natsUrl,
  defaultPort: 4222,
  async run(dataDir, url, scale) {
    const r = await runRelayBench({
      url,
      dataDir,
      events: scale.relayEvents,
      latencyEvents: scale.relayLatencyEvents,
      window: DEFAULT_RELAY_WINDOW,
      rounds: SIDES_FIRST,
      log: () => {},
    });
    return {
      relay: r.relayPerSecond,
      baseline: r.baselinePerSecond,
      p50Ms: r.latencyP50Ms,
      p99Ms: r.latencyP99Ms,
    };
  },
});

/**
 * W15: the RabbitMQ relay (`relay/rabbitmq-relay-bench.ts`, issue 15) publishing a stored backlog
 * with the engine's defaults and the store's default `synchronous = FULL`, against amqplib's confirm
 * channel publishing the same messages in a loop with the same window; then append → delivery latency
 * of events appended at 200/s. The bench warms both sides up itself on every call, so the harness
 * adds no warm-up round.
 */
export const rabbitMqRelay = relayWorkload({
  id: WORKLOAD.rabbitMqRelay,
  title: 'RabbitMQ relay vs an amqplib confirm-channel loop; append→delivery latency',
  warmUp: false,
  url: rabbitMqUrl,
  defaultPort: 5672,
  async run(dataDir, url, scale) {
    const r = await runRabbitMqRelayBench({
      url,
      messages: scale.relayEvents,
      rounds: SIDES_FIRST,
      window: DEFAULT_RELAY_WINDOW,
      batchSize: DEFAULT_RELAY_BATCH_SIZE,
      synchronous: 'full',
      latencyEvents: scale.relayLatencyEvents,
      latencyRatePerSec: 200,
      dataDir,
      log: () => {},
    });
    return {
      relay: r.relayMessagesPerSec,
      baseline: r.baselineMessagesPerSec,
      p50Ms: r.latencyP50Ms,
      p99Ms: r.latencyP99Ms,
    };
  },
});
