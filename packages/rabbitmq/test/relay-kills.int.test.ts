// C8 for the relay with real processes: a relay process on a real SQLite file, SIGKILLed while it is
// publishing again and again, and restarted — the queue still holds every event at least once, each
// stream in version order, and the repeats are what one unsaved batch per kill can explain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BROKER_URL, brokerReachable, createTestExchange } from './support/broker';
import { type Child, startChild } from './support/child-process';
import { allEvents, checkDeliveries, drainQueue } from './support/deliveries';
import { appendRound } from './support/seed';

const SOAK = process.env.CHRONICLE_SOAK === '1';
const KILLS = SOAK ? 60 : 12;
const PER_ROUND = 400;
const STREAMS = 25;
const BATCH_SIZE = 100;

const dir = mkdtempSync(join(tmpdir(), 'chronicle-rabbitrelay-kills-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const running = new Set<Child>();
afterEach(async () => {
  for (const child of running) child.process.kill('SIGKILL');
  await Promise.all([...running].map((c) => c.exited));
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!brokerReachable)('a relay process SIGKILLed mid-batch and restarted', () => {
  it(`loses nothing and keeps stream order over ${KILLS} kills`, async () => {
    const target = await createTestExchange('kills', { consume: false });
    const filename = join(dir, 'relay.sqlite');
    const store = createSqliteEventStore({ filename });
    const relayArgs = {
      filename,
      url: BROKER_URL,
      exchange: target.exchange,
      id: 'rabbitrelay-kills',
      batchSize: BATCH_SIZE,
      window: 32,
      leaseTtlMs: 600,
    };
    const start = () => {
      const child = startChild('relay-child.ts', relayArgs);
      running.add(child);
      void child.exited.then(() => running.delete(child));
      return child;
    };
    try {
      let killedWhilePublishing = 0;
      for (let round = 0; round < KILLS; round++) {
        await appendRound(store, PER_ROUND, STREAMS, round);
        const child = start();
        await child.next('publishing');
        await sleep(Math.random() * 60);
        child.process.kill('SIGKILL');
        const { signal } = await child.exited;
        expect(signal).toBe('SIGKILL');
        killedWhilePublishing++;
      }
      const head = await appendRound(store, PER_ROUND, STREAMS, KILLS);
      const last = start();
      last.send({ type: 'wait', position: String(head) });
      await last.next('relayed');
      last.send({ type: 'stop' });
      await last.exited;

      const events = await allEvents(store);
      const report = checkDeliveries(await drainQueue(target.queue), events);
      console.log(
        `[rabbitmq kills] ${killedWhilePublishing} SIGKILLs while publishing, ${events.length} events, ` +
          `${report.messages} messages checked, ${report.duplicates} duplicates`,
      );
      expect(report.messages).toBe(events.length + report.duplicates);
      // A kill loses at most the confirmed-but-unsaved part of one batch, which the next relay re-sends.
      expect(report.duplicates).toBeLessThanOrEqual(killedWhilePublishing * BATCH_SIZE);
    } finally {
      await store.close();
      await target.remove();
    }
  }, 240_000);
});
