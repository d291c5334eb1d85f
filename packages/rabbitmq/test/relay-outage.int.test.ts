// The broker goes away mid-relay (`rabbitmqctl stop_app`) while events keep being appended, and
// comes back: every event reaches the queue, each stream in version order, and the only repeats are
// events the relay had not checkpointed when the outage began — re-sends of messages whose confirm
// the outage swallowed. Deduplicating by message id leaves every event exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createRabbitMqRelay } from '../src/index';
import { BROKER_URL, brokerOutage, brokerReachable, createTestExchange } from './support/broker';
import { withBrokerTurn } from './support/broker-turns';
import { allEvents, checkDeliveries, drainQueue, queueDepth } from './support/deliveries';
import { appendRound } from './support/seed';

const SOAK = process.env.CHRONICLE_SOAK === '1';
const OUTAGES = SOAK ? 5 : 1;
const OUTAGE_MS = 3_000;
const dir = mkdtempSync(join(tmpdir(), 'chronicle-rabbitrelay-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(1))
    if (Date.now() - started > 30_000) throw new Error(`Timed out waiting until ${what}`);
}

describe.skipIf(!brokerReachable)('the broker stopped mid-relay', () => {
  it(`relays every event in stream order across ${OUTAGES} outage(s) of ${OUTAGE_MS} ms`, async () => {
    const target = await createTestExchange('outage', { consume: false });
    const store = createSqliteEventStore({ filename: join(dir, 'outage.sqlite'), pollIntervalMs: 10 });
    let writing = true;
    let round = 0;
    // A steady writer: the log grows before, during and after each outage.
    const writer = (async () => {
      while (writing) {
        await appendRound(store, 50, 20, round++);
        await sleep(20);
      }
    })();
    const relay = await createRabbitMqRelay(store, {
      url: BROKER_URL,
      exchange: target.exchange,
      id: 'rabbitrelay-outage',
      batchSize: 100,
      window: 32,
      retry: { baseDelayMs: 50, maxDelayMs: 500 },
    });
    const before: { checkpoint: bigint; depth: number }[] = [];
    let sawDisconnected = false;
    try {
      for (let outage = 0; outage < OUTAGES; outage++) {
        await relay.whenRelayed(BigInt((outage + 1) * 400), { timeoutMs: 30_000 });
        // A burst the relay is still publishing when the broker stops: messages in flight at the cut.
        await appendRound(store, 3_000, 20, round++);
        await until(() => relay.status().inFlight > 0, 'the relay publishes the burst');
        const depth = await queueDepth(target.queue);
        before.push({ checkpoint: relay.status().checkpoint ?? 0n, depth });
        await withBrokerTurn(() =>
          brokerOutage(OUTAGE_MS, async () => {
            sawDisconnected ||= !relay.status().connected;
          }),
        );
      }
      writing = false;
      await writer;
      const events = await allEvents(store);
      await relay.whenRelayed(events.at(-1)!.position, { timeoutMs: 60_000 });
      expect(relay.status()).toMatchObject({ connected: true, lag: 0n, transport: 'rabbitmq' });
      expect(sawDisconnected).toBe(true);

      const report = checkDeliveries(await drainQueue(target.queue), events);
      console.log(
        `[rabbitmq outage] ${OUTAGES} outage(s) survived, ${events.length} events, ${report.messages} messages checked, ` +
          `${report.duplicates} duplicates, ${relay.status().failedAttempts} failed publish attempts`,
      );
      expect(report.messages).toBe(events.length + report.duplicates);
      // Duplicates only after an outage began: never an event checkpointed before it, never a repeat
      // stored ahead of what the queue held when it began.
      const first = before[0]!;
      for (const position of report.duplicatePositions) expect(position).toBeGreaterThan(first.checkpoint);
      for (const index of report.duplicateIndexes) expect(index).toBeGreaterThanOrEqual(first.depth);
    } finally {
      writing = false;
      await writer;
      await relay.stop();
      await store.close();
      await target.remove();
    }
  }, 180_000);
});
