// The broker goes away mid-relay and comes back: the relay waits it out (retrying from the first
// unconfirmed message), then every event arrives, the stream holds each exactly once (the re-sends
// are dropped by Nats-Msg-Id), and each aggregate's events are in version order. A real nats-server
// of our own (not the shared one), a real SQLite file, events appended throughout.
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { afterAll, expect, it } from 'vitest';
import { createJetStreamRelay } from '../src/index';
import { uniqueNames } from './support/fixtures';
import { startNatsServer, stopAllNatsServers, tempDirectory } from './support/nats-server';
import { deliveryReport, everyEventOnceInOrder, readStream } from './support/stream-contents';
import { allEventIds, appendInterleaved, startWriter } from './support/workload';

afterAll(() => stopAllNatsServers());

const SOAK = process.env.CHRONICLE_SOAK === '1';
const OUTAGES = SOAK ? 5 : 1;
const OUTAGE_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`the broker stopped for ${OUTAGE_MS / 1000} s mid-relay (${OUTAGES}x): every event once, in order`, {
  timeout: 120_000,
}, async () => {
  const server = await startNatsServer();
  const { stream, prefix } = uniqueNames('outage');
  const store = createSqliteEventStore({
    filename: join(tempDirectory('outage'), 'events.db'),
    pollIntervalMs: 10,
  });
  const seeded = await appendInterleaved(store, 600);
  const relay = await createJetStreamRelay(store, {
    id: 'outage',
    servers: server.url,
    stream: { name: stream, create: true },
    subjectPrefix: prefix,
    batchSize: 100,
    window: 32,
    publishTimeoutMs: 1_000,
    retry: { baseDelayMs: 50, maxDelayMs: 500 },
  });

  // A writer keeps appending through the outages, as an application would.
  const writer = startWriter(store, { head: seeded, appended: 600 }, { size: 20, pauseMs: 20 });

  const seen = { disconnected: false, failedAttempts: 0, inFlightAtStop: 0 };
  for (let outage = 0; outage < OUTAGES; outage++) {
    await relay.whenRelayed(writer.head() - 100n, { timeoutMs: 20_000 });
    // Stop it while messages are in flight: mid-batch, not between batches.
    for (const since = Date.now(); relay.status().inFlight === 0 && Date.now() - since < 5_000; )
      await sleep(1);
    seen.inFlightAtStop += relay.status().inFlight;
    // A clean stop in CI; the soak alternates it with a crash of the server.
    await server.stop(outage % 2 === 0 ? 'SIGTERM' : 'SIGKILL');
    const down = Date.now();
    while (Date.now() - down < OUTAGE_MS) {
      seen.disconnected ||= !relay.status().connected;
      await sleep(50);
    }
    await server.start();
  }
  await relay.whenRelayed(await writer.stop(), { timeoutMs: 30_000 });
  const status = relay.status();
  seen.failedAttempts = status.failedAttempts;
  await relay.stop();

  const expected = await allEventIds(store);
  await store.close();
  const report = deliveryReport(expected, await readStream(server.url, stream));
  console.info(
    `broker outage: ${OUTAGES} x ${OUTAGE_MS} ms (${seen.inFlightAtStop} messages in flight when stopped); ${report.expected} events, ${report.stored} stored, ` +
      `${report.duplicates} duplicates, ${report.missing} missing, ${report.outOfOrder} out of order; ` +
      `${seen.failedAttempts} failed publish attempts retried; ${status.confirmed - report.expected} re-sends dropped by the stream`,
  );
  expect(seen.disconnected, 'status() showed the broker down').toBe(true);
  expect(seen.failedAttempts, 'the outage made publishes fail (and they were retried)').toBeGreaterThan(0);
  expect(report).toEqual(everyEventOnceInOrder(expected));
  expect(status.connected).toBe(true);
  expect(status.lag).toBe(0n);
});
