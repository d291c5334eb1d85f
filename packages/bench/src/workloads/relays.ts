import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_RELAY_BATCH_SIZE, DEFAULT_RELAY_WINDOW } from '@chronicle/core/relay';
import { runRabbitMqRelayBench } from '../relay/rabbitmq-relay-bench';
import { runRelayBench } from '../relay/relay-bench';
import type { SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import type { Metrics, RoundContext, Workload } from './workload';

/** The brokers, as the standalone relay commands find them. */
const natsUrl = () => process.env.CHRONICLE_NATS_URL || 'nats://127.0.0.1:4222';
const rabbitMqUrl = () => process.env.CHRONICLE_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Each relay bench runs two rounds of its own per harness round, so that relay and baseline each go
 * first once (the bench alternates them); the harness's round is their median.
 */
const SIDES_FIRST = 2;

/** The relays read a SQLite store: they run on the `sqlite` target, whose raw column is their baseline. */
const onSqlite = (factory: SubjectFactory): boolean => factory.name === 'sqlite';

/** Why the broker at `url` cannot be reached (a TCP connect within 2 s), or undefined when it can. */
async function unreachable(url: string, defaultPort: number): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 2000 });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason === undefined ? undefined : `${url} is unreachable: ${reason}`);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done('no answer within 2 s'));
    socket.once('error', (error) => done(error.message));
  });
}

/** Runs `work` with a fresh directory under the run's data directory, removed afterwards. */
async function inFreshDir<T>(context: RoundContext, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(context.storage.dataDir, `${context.label}-`));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * W14: the NATS JetStream relay (`relay/relay-bench.ts`, issue 15) publishing a stored backlog of
 * `scale.relayEvents` events against the same client publishing the same messages in a loop with the
 * same window; then the time from `append` until an ordered consumer receives, one event at a time.
 */
export const natsRelay: Workload<undefined> = {
  id: WORKLOAD.natsRelay,
  title: 'NATS JetStream relay vs the same client in a loop; append→consumer latency',
  interleaved: true,
  appliesTo: onSqlite,
  pairedBaseline: { eventsPerSec: 'baselineEventsPerSec' },
  unavailable: () => unreachable(natsUrl(), 4222),
  async prepare() {
    return undefined;
  },
  async round(_factory, _prepared, context): Promise<Metrics> {
    const r = await inFreshDir(context, (dataDir) =>
      runRelayBench({
        url: natsUrl(),
        dataDir,
        events: context.scale.relayEvents,
        latencyEvents: context.scale.relayLatencyEvents,
        window: DEFAULT_RELAY_WINDOW,
        rounds: SIDES_FIRST,
        log: () => {},
      }),
    );
    return {
      eventsPerSec: r.relayPerSecond,
      baselineEventsPerSec: r.baselinePerSecond,
      p50Ms: r.latencyP50Ms,
      p99Ms: r.latencyP99Ms,
    };
  },
  async finish() {},
};

/**
 * W15: the RabbitMQ relay (`relay/rabbitmq-relay-bench.ts`, issue 15) publishing a stored backlog
 * with the engine's defaults and the store's default `synchronous = FULL`, against amqplib's confirm
 * channel publishing the same messages in a loop with the same window; then append → delivery latency
 * of events appended at 200/s. The bench warms both sides up itself on every call, so the harness
 * adds no warm-up round.
 */
export const rabbitMqRelay: Workload<undefined> = {
  id: WORKLOAD.rabbitMqRelay,
  title: 'RabbitMQ relay vs an amqplib confirm-channel loop; append→delivery latency',
  interleaved: true,
  warmUp: false,
  appliesTo: onSqlite,
  pairedBaseline: { eventsPerSec: 'baselineEventsPerSec' },
  unavailable: () => unreachable(rabbitMqUrl(), 5672),
  async prepare() {
    return undefined;
  },
  async round(_factory, _prepared, context): Promise<Metrics> {
    const r = await inFreshDir(context, (dataDir) =>
      runRabbitMqRelayBench({
        url: rabbitMqUrl(),
        messages: context.scale.relayEvents,
        rounds: SIDES_FIRST,
        window: DEFAULT_RELAY_WINDOW,
        batchSize: DEFAULT_RELAY_BATCH_SIZE,
        synchronous: 'full',
        latencyEvents: context.scale.relayLatencyEvents,
        latencyRatePerSec: 200,
        dataDir,
        log: () => {},
      }),
    );
    return {
      eventsPerSec: r.relayMessagesPerSec,
      baselineEventsPerSec: r.baselineMessagesPerSec,
      p50Ms: r.latencyP50Ms,
      p99Ms: r.latencyP99Ms,
    };
  },
  async finish() {},
};
