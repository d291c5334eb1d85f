/**
 * `pnpm bench relay-rabbitmq`: the RabbitMQ relay against its baseline, in one run.
 *
 * - Throughput: the relay publishing a seeded SQLite store's N events (each round a new relay id, so
 *   each relays all N from the start) against the baseline — the same client (amqplib), the same
 *   messages (routing key, body, headers, persistent) with the same confirms and the same window of
 *   unconfirmed messages, in a plain loop with no store. Rounds interleave; figures are medians. Each
 *   round verifies the queue holds exactly N messages.
 * - Latency: a live relay; events appended one at a time at a steady rate; a consumer on the queue
 *   measures append → delivery, p50 and p99.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DomainEvent, EventStore } from '@chronicle/core';
import { relayBody, relayHeaders } from '@chronicle/core/relay';
import { createRabbitMqRelay } from '@chronicle/rabbitmq';
import { createSqliteEventStore, type SqliteEventStore } from '@chronicle/sqlite';
import amqp, { type Channel, type ConfirmChannel } from 'amqplib';
import { median, percentile, perSecond } from '../stats';
import { verify } from '../workloads/workload';

/** What to run. */
export interface RabbitMqRelayBenchOptions {
  readonly url: string;
  /** Events relayed (and messages the baseline publishes) per throughput round. */
  readonly messages: number;
  readonly rounds: number;
  /** Unconfirmed messages at once, relay and baseline alike. */
  readonly window: number;
  readonly batchSize: number;
  /** The relay's `checkpointIntervalMs` (least ms between checkpoint saves while catching up); default the relay's. */
  readonly checkpointIntervalMs?: number;
  /** The SQLite store's `synchronous` setting: the relay's checkpoint saves block the event loop for their fsync under `'full'`. */
  readonly synchronous: 'full' | 'normal';
  /** Events appended one by one for the latency figures, and their rate. */
  readonly latencyEvents: number;
  readonly latencyRatePerSec: number;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** Told the name of the run's exchange (and `<name>-q`, its queue), which the run deletes at its end. */
  readonly onExchange?: (name: string) => void;
}

/** The figures of one run. */
export interface RabbitMqRelayBenchReport {
  readonly baselineMessagesPerSec: number;
  readonly relayMessagesPerSec: number;
  /** relay / baseline. */
  readonly ratio: number;
  readonly baselineRounds: readonly number[];
  readonly relayRounds: readonly number[];
  /** Per relay round: checkpoint saves, and ms spent in them (on SQLite they hold the event loop). */
  readonly relaySaves: readonly { readonly saves: number; readonly ms: number }[];
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyEvents: number;
}

export async function runRabbitMqRelayBench(o: RabbitMqRelayBenchOptions): Promise<RabbitMqRelayBenchReport> {
  const exchange = `rabbitrelay-bench-${randomUUID().slice(0, 8)}`;
  const queue = `${exchange}-q`;
  o.onExchange?.(exchange);
  const admin = await amqp.connect(o.url);
  const channel = await admin.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, '#');
  const store = createSqliteEventStore({
    filename: join(o.dataDir, `relay-bench-${exchange}.sqlite`),
    synchronous: o.synchronous,
  });
  try {
    const events = await seed(store, o.messages);
    const head = events.at(-1)!.position;
    const baselineRounds: number[] = [];
    const relayRounds: number[] = [];
    const relaySaves: { saves: number; ms: number }[] = [];
    const saves = timeCheckpointSaves(store);
    // A discarded warm-up of each, then the measured rounds, alternating which goes first.
    for (let round = -1; round < o.rounds; round++) {
      const order = round % 2 === 0 ? ['baseline', 'relay'] : ['relay', 'baseline'];
      for (const which of order) {
        saves.reset();
        const ms =
          which === 'baseline'
            ? await baselineRound(o, exchange, events)
            : await relayRound(o, store, exchange, head, `bench-${exchange}-${round}`);
        if (which === 'relay' && round >= 0) relaySaves.push(saves.taken());
        const depth = (await channel.checkQueue(queue)).messageCount;
        verify(
          depth === o.messages,
          `${which} round left ${depth} messages in the queue, expected ${o.messages}`,
        );
        await channel.purgeQueue(queue);
        const rate = perSecond(o.messages, ms);
        if (round >= 0) (which === 'baseline' ? baselineRounds : relayRounds).push(rate);
        const spent = which === 'relay' ? saves.taken() : undefined;
        o.log(
          `  ${round < 0 ? 'warm-up' : `round ${round + 1}`} ${which.padEnd(8)} ${Math.round(rate)} msg/s` +
            (spent === undefined ? '' : ` (${spent.saves} checkpoint saves, ${spent.ms.toFixed(0)} ms)`),
        );
      }
    }
    const latencies = await latencyRun(o, store, channel, exchange, queue, head);
    const baselineMessagesPerSec = median(baselineRounds);
    const relayMessagesPerSec = median(relayRounds);
    return {
      baselineMessagesPerSec,
      relayMessagesPerSec,
      ratio: relayMessagesPerSec / baselineMessagesPerSec,
      baselineRounds,
      relayRounds,
      relaySaves,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyEvents: latencies.length,
    };
  } finally {
    await store.close();
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

/**
 * Counts the store's checkpoint saves and the time they take (SQLite's are synchronous: with
 * `synchronous: 'full'` each is an fsync during which nothing else in the process runs).
 */
function timeCheckpointSaves(store: SqliteEventStore) {
  let saves = 0;
  let ms = 0;
  const save = store.checkpoints.save.bind(store.checkpoints);
  store.checkpoints.save = async (...args) => {
    const t0 = performance.now();
    try {
      return await save(...args);
    } finally {
      saves++;
      ms += performance.now() - t0;
    }
  };
  return {
    reset() {
      saves = 0;
      ms = 0;
    },
    taken: () => ({ saves, ms }),
  };
}

/** N events over 100 streams, in appends of 100 (not timed). */
async function seed(store: EventStore, count: number): Promise<DomainEvent[]> {
  for (let i = 0; i < count; i += 100) {
    const size = Math.min(100, count - i);
    const stream = { aggregateType: 'Account', aggregateId: `a-${(i / 100) % 100}` };
    await store.append(
      stream,
      'any',
      Array.from({ length: size }, (_, j) => ({ eventType: 'Deposited', eventData: { amount: i + j } })),
    );
  }
  const events: DomainEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

/** The baseline: connect, then publish the events' messages with up to `window` unconfirmed; ms until the last confirm. */
async function baselineRound(o: RabbitMqRelayBenchOptions, exchange: string, events: readonly DomainEvent[]) {
  const t0 = performance.now();
  const connection = await amqp.connect(o.url);
  try {
    const channel: ConfirmChannel = await connection.createConfirmChannel();
    let next = 0;
    let inFlight = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        while (inFlight < o.window && next < events.length) {
          const event = events[next++]!;
          inFlight++;
          channel.publish(
            exchange,
            `${event.aggregateType}.${event.eventType}`,
            Buffer.from(relayBody(event)),
            {
              messageId: event.eventId,
              persistent: true,
              mandatory: true,
              contentType: 'application/json',
              type: event.eventType,
              timestamp: Math.floor(event.occurredAt.getTime() / 1000),
              headers: relayHeaders(event),
            },
            (error: unknown) => {
              inFlight--;
              if (error) reject(error);
              else if (next === events.length && inFlight === 0) resolve();
              else pump();
            },
          );
        }
      };
      pump();
    });
    return performance.now() - t0;
  } finally {
    await connection.close();
  }
}

/** A relay with a fresh id relays the whole store; ms from its start until every event is confirmed and checkpointed. */
async function relayRound(
  o: RabbitMqRelayBenchOptions,
  store: SqliteEventStore,
  exchange: string,
  head: bigint,
  id: string,
) {
  const t0 = performance.now();
  const relay = await createRabbitMqRelay(store, {
    id,
    url: o.url,
    exchange,
    window: o.window,
    batchSize: o.batchSize,
    ...(o.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: o.checkpointIntervalMs }),
  });
  try {
    await relay.whenRelayed(head, { timeoutMs: 300_000 });
    return performance.now() - t0;
  } finally {
    await relay.stop();
  }
}

/** Append → delivery times of events appended one at a time at a steady rate to a live relay. */
async function latencyRun(
  o: RabbitMqRelayBenchOptions,
  store: SqliteEventStore,
  channel: Channel,
  exchange: string,
  queue: string,
  head: bigint,
): Promise<number[]> {
  const relay = await createRabbitMqRelay(store, {
    id: `bench-latency-${exchange}`,
    url: o.url,
    exchange,
    window: o.window,
    batchSize: o.batchSize,
    ...(o.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: o.checkpointIntervalMs }),
    startFrom: head,
  });
  const latencies: number[] = [];
  const appendedAt = new Map<string, number>();
  const done = new Promise<void>((resolve) => {
    void channel.consume(
      queue,
      (message) => {
        if (message === null) return;
        const sent = appendedAt.get(message.properties.messageId as string);
        if (sent !== undefined) latencies.push(performance.now() - sent);
        if (latencies.length === o.latencyEvents) resolve();
      },
      { noAck: true },
    );
  });
  try {
    const gapMs = 1000 / o.latencyRatePerSec;
    const stream = { aggregateType: 'Account', aggregateId: `latency-${exchange}` };
    for (let i = 0; i < o.latencyEvents; i++) {
      const eventId = randomUUID();
      appendedAt.set(eventId, performance.now());
      await store.append(stream, 'any', [{ eventId, eventType: 'Deposited', eventData: { amount: i } }]);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    await done;
    verify(
      latencies.length === o.latencyEvents,
      `latency run received ${latencies.length} of ${o.latencyEvents}`,
    );
    return latencies;
  } finally {
    await relay.stop();
  }
}
