import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { promisify } from 'node:util';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';

/** The machine's RabbitMQ (guest/guest), shared with other test runs: every name here starts with `rabbitrelay-`. */
export const BROKER_URL = process.env.CHRONICLE_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const run = promisify(execFile);

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const brokerUrl = new URL(BROKER_URL);
const reachable = await portOpen(brokerUrl.hostname, Number(brokerUrl.port || 5672));
if (!reachable && process.env.CI === 'true')
  throw new Error(
    `RabbitMQ is not reachable at ${brokerUrl.host}; under CI=true the RabbitMQ tests must run (.ci/run starts it).`,
  );
if (!reachable) console.warn(`\n[rabbitmq] tests skipped: RabbitMQ is not reachable at ${brokerUrl.host}\n`);

/** Whether the broker answers; the tests skip with a printed reason otherwise (a failure under CI=true, thrown above). */
export const brokerReachable = reachable;

/** A fresh name for an exchange or queue of this test run. */
export const uniqueName = (topic: string) => `rabbitrelay-${topic}-${randomUUID().slice(0, 8)}`;

/**
 * A test's own durable topic exchange and durable queue bound to `#`. With `consume` (the default) it
 * collects every message as it arrives; without, messages stay in the queue for `drainQueue`.
 */
export interface TestExchange {
  readonly exchange: string;
  readonly queue: string;
  /** Every message received so far, in arrival order (acked as they arrive). */
  readonly received: ConsumeMessage[];
  /** Resolves once `predicate(received)` holds (checked on every arrival), or rejects after `ms`. */
  until(
    predicate: (received: readonly ConsumeMessage[]) => boolean,
    what: string,
    ms?: number,
  ): Promise<void>;
  /** Deletes the exchange and queue and closes the connection. */
  remove(): Promise<void>;
}

export async function createTestExchange(
  topic: string,
  options: { bind?: boolean; consume?: boolean } = {},
): Promise<TestExchange> {
  const exchange = uniqueName(topic);
  const queue = `${exchange}-q`;
  const connection: ChannelModel = await amqp.connect(BROKER_URL);
  connection.on('error', () => undefined);
  const channel: Channel = await connection.createChannel();
  channel.on('error', () => undefined);
  await channel.assertExchange(exchange, 'topic', { durable: true });
  // Durable, so messages confirmed before an outage are still there after it.
  await channel.assertQueue(queue, { durable: true });
  if (options.bind !== false) await channel.bindQueue(queue, exchange, '#');
  const received: ConsumeMessage[] = [];
  const watchers = new Set<() => void>();
  if (options.consume !== false)
    await channel.consume(queue, (message) => {
      if (message === null) return;
      received.push(message);
      channel.ack(message);
      for (const watcher of watchers) watcher();
    });
  return {
    exchange,
    queue,
    received,
    until(predicate, what, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`Timed out after ${ms} ms waiting until ${what} (received ${received.length})`));
        }, ms);
        watchers.add(check);
        check();
      });
    },
    async remove() {
      await removeNames({ exchanges: [exchange], queues: [queue] });
      await connection.close().catch(() => undefined);
    },
  };
}

/** Deletes exchanges and queues on a connection of its own (the test's may have died in an outage). */
export async function removeNames(names: {
  exchanges?: readonly string[];
  queues?: readonly string[];
}): Promise<void> {
  const connection = await amqp.connect(BROKER_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of names.queues ?? []) await channel.deleteQueue(queue);
    for (const exchange of names.exchanges ?? []) await channel.deleteExchange(exchange);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Stops the broker's application for `ms` (the node stays up, so `start_app` brings it back in a few
 * seconds), then starts it again — in `finally`, so a failing test never leaves RabbitMQ down for the
 * other users of this machine. Resolves once the broker accepts connections again.
 */
export async function brokerOutage(ms: number, during?: () => Promise<void>): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await during?.();
  } finally {
    await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
    await run('rabbitmqctl', ['await_startup'], { timeout: 120_000 });
  }
}

/** The numeric value of a header a relayed message carries. */
export const header = (message: ConsumeMessage, name: string): string =>
  String(message.properties.headers?.[name]);
