// The RabbitMQ relay bench at tiny scale against the machine's broker: both sides publish the whole
// backlog (each round verifies the queue holds every message), the latency probe hears every event,
// and the bench removes its exchange and queue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { withBrokerTurn } from '../../rabbitmq/test/support/broker-turns';
import { runRabbitMqRelayBench } from '../src/relay/rabbitmq-relay-bench';

const url = process.env.CHRONICLE_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';

it('pnpm bench relay-rabbitmq measures throughput against amqplib and latency, and cleans up', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rabbitmq-relay-bench-'));
  let exchange = '';
  try {
    // The RabbitMQ outage test (another project, in parallel) stops the broker's app during its turn.
    const report = await withBrokerTurn(() =>
      runRabbitMqRelayBench({
        url,
        messages: 300,
        rounds: 1,
        window: 16,
        batchSize: 100,
        synchronous: 'normal',
        latencyEvents: 20,
        latencyRatePerSec: 200,
        dataDir,
        log: () => {},
        onExchange: (name) => {
          exchange = name;
        },
      }),
    );
    expect(report.relayMessagesPerSec).toBeGreaterThan(0);
    expect(report.baselineMessagesPerSec).toBeGreaterThan(0);
    expect(report.latencyEvents).toBe(20);
    expect(report.latencyP99Ms).toBeGreaterThanOrEqual(report.latencyP50Ms);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  const gone = await channel.checkExchange(exchange).then(
    () => false,
    () => true,
  );
  await connection.close().catch(() => undefined);
  expect(exchange).toMatch(/^rabbitrelay-bench-/);
  expect(gone).toBe(true);
});
