/**
 * The relay workloads (issue 15), against NATS JetStream:
 * - R1 throughput: the relay publishing a stored backlog (read from a SQLite file, acked, checkpointed)
 *   against the baseline — the same client publishing the same messages (same subject, headers, body,
 *   Nats-Msg-Id and chained expectations) with the same window of unacked messages, in a loop, with no
 *   store. Ratio relay / baseline; the target is >= 0.8x.
 * - R2 latency: one event appended at a time while the relay is live, until an ordered JetStream
 *   consumer receives it; p50 and p99.
 */
import { performance } from 'node:perf_hooks';
import type { DomainEvent } from '@chronicle/core';
import { type RelayMessage, toRelayMessage } from '@chronicle/core/relay';
import { createJetStreamRelay } from '@chronicle/nats';
import { createSqliteEventStore, type SqliteEventStore } from '@chronicle/sqlite';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { median, percentile, perSecond } from '../stats';

/** What {@link runRelayBench} needs. */
export interface RelayBenchOptions {
  /** A NATS server with JetStream. */
  readonly url: string;
  /** Where the SQLite files go. */
  readonly dataDir: string;
  /** Events in the R1 backlog. */
  readonly events: number;
  /** Events appended one by one in R2. */
  readonly latencyEvents: number;
  /** Unacked messages at once, for the relay and the baseline alike. */
  readonly window: number;
  /** Measured rounds of R1 (the order of relay and baseline alternates). */
  readonly rounds: number;
  readonly log: (line: string) => void;
}

/** The figures of one run. */
export interface RelayBenchResult {
  readonly events: number;
  readonly window: number;
  readonly rounds: number;
  /** Median events/s over the rounds. */
  readonly relayPerSecond: number;
  readonly baselinePerSecond: number;
  readonly ratio: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyEvents: number;
}

const SUBJECT_PREFIX = 'chronicle-bench';
let streamCounter = 0;
const streamName = (label: string) => `CHRONICLE_BENCH_${label}_${process.pid}_${++streamCounter}`;

export async function runRelayBench(o: RelayBenchOptions): Promise<RelayBenchResult> {
  const nc = await connect({ servers: o.url });
  const jsm = await jetstreamManager(nc);
  const created: string[] = [];
  const newStream = async (label: string) => {
    const name = streamName(label);
    // Each stream captures its own prefix, so the relay and the baseline never share a stream.
    await jsm.streams.add({ name, subjects: [`${SUBJECT_PREFIX}.${name}.>`], duplicate_window: 120e9 });
    created.push(name);
    return name;
  };
  try {
    const store = createSqliteEventStore({ filename: `${o.dataDir}/relay-bench.db` });
    const head = await seed(store, o.events);
    const events: DomainEvent[] = [];
    for await (const event of store.readAll()) events.push(event);

    const relayRates: number[] = [];
    const baselineRates: number[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const runRelay = async () => {
        const stream = await newStream('RELAY');
        const started = performance.now();
        const relay = await relayTo(store, stream, o);
        await relay.whenRelayed(head, { timeoutMs: 600_000 });
        relayRates.push(perSecond(o.events, performance.now() - started));
        await relay.stop();
      };
      const runBaseline = async () => {
        const stream = await newStream('RAW');
        const started = performance.now();
        await publishInLoop(nc, stream, events, o.window);
        baselineRates.push(perSecond(o.events, performance.now() - started));
      };
      if (round % 2 === 0) {
        await runRelay();
        await runBaseline();
      } else {
        await runBaseline();
        await runRelay();
      }
      o.log(
        `R1 round ${round + 1}: relay ${Math.round(relayRates.at(-1) ?? 0)} ev/s, baseline ${Math.round(baselineRates.at(-1) ?? 0)} ev/s`,
      );
    }

    const latencies = await measureLatency(nc, store, await newStream('LATENCY'), o);
    await store.close();
    const relayPerSecond = median(relayRates);
    const baselinePerSecond = median(baselineRates);
    return {
      events: o.events,
      window: o.window,
      rounds: o.rounds,
      relayPerSecond,
      baselinePerSecond,
      ratio: relayPerSecond / baselinePerSecond,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyEvents: latencies.length,
    };
  } finally {
    for (const name of created) await jsm.streams.delete(name).catch(() => undefined);
    await nc.close();
  }
}

/** A relay with the defaults a user gets, into its own stream. */
function relayTo(store: SqliteEventStore, stream: string, o: RelayBenchOptions, startFrom?: 'end') {
  return createJetStreamRelay(store, {
    id: `bench-${stream}`,
    servers: o.url,
    stream: { name: stream },
    subjectPrefix: `${SUBJECT_PREFIX}.${stream}`,
    window: o.window,
    ...(startFrom === undefined ? {} : { startFrom }),
  });
}

/** Appends `count` events to 100 accounts, 100 per append; returns the head position. */
async function seed(store: SqliteEventStore, count: number): Promise<bigint> {
  let head = 0n;
  for (let i = 0; i < count; i += 100) {
    const events = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({
      eventType: 'Deposited',
      eventData: { amount: i + j, note: 'a payload of a typical size for an integration event' },
    }));
    head = (
      await store.append({ aggregateType: 'Account', aggregateId: `a-${(i / 100) % 100}` }, 'any', events)
    ).lastPosition;
  }
  return head;
}

/**
 * The baseline: what a careful hand-written publisher does with the same client — the same messages,
 * `window` of them awaiting their ack, each ack awaited — without a store, checkpoints or retries.
 */
async function publishInLoop(
  nc: NatsConnection,
  stream: string,
  events: readonly DomainEvent[],
  window: number,
) {
  const js = jetstream(nc);
  const messages: RelayMessage[] = events.map((event, i) => toRelayMessage(event, events[i - 1]?.eventId));
  const inFlight = new Set<Promise<unknown>>();
  for (const message of messages) {
    if (inFlight.size >= window) await Promise.race(inFlight);
    const h = headers();
    for (const [key, value] of Object.entries(message.headers)) h.set(key, value);
    const { event, previousMessageId } = message;
    const sent = js
      .publish(`${SUBJECT_PREFIX}.${stream}.${event.aggregateType}.${event.eventType}`, message.body, {
        msgID: message.messageId,
        headers: h,
        expect:
          previousMessageId === undefined
            ? { streamName: stream }
            : { streamName: stream, lastMsgID: previousMessageId },
      })
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
}

/** R2: append → an ordered consumer receives it, one event at a time, with the relay live. */
async function measureLatency(
  nc: NatsConnection,
  store: SqliteEventStore,
  stream: string,
  o: RelayBenchOptions,
): Promise<number[]> {
  const relay = await relayTo(store, stream, o, 'end');
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.New });
  const messages = await consumer.consume();
  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  let received: () => void = () => {};
  const reading = (async () => {
    for await (const m of messages) {
      const at = appendedAt.get(m.headers?.get('Nats-Msg-Id') ?? '');
      if (at !== undefined) latencies.push(performance.now() - at);
      received();
    }
  })();
  for (let i = 0; i < o.latencyEvents; i++) {
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const eventId = crypto.randomUUID();
    appendedAt.set(eventId, performance.now());
    await store.append({ aggregateType: 'Account', aggregateId: 'latency' }, 'any', [
      { eventId, eventType: 'Deposited', eventData: { amount: i } },
    ]);
    await arrived;
  }
  await messages.close();
  await reading;
  await relay.stop();
  return latencies;
}
