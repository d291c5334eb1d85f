// The relay's process SIGKILLed mid-batch again and again, while events keep being appended: each
// restart resumes from the checkpoint and re-sends what was not checkpointed; the stream drops the
// re-sends (Nats-Msg-Id), so it holds every event exactly once, each aggregate in version order.
// Real child processes, a real SQLite file, a nats-server of our own.
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, expect, it } from 'vitest';
import { uniqueNames } from './support/fixtures';
import { startNatsServer, stopAllNatsServers, tempDirectory } from './support/nats-server';
import { deliveryReport, everyEventOnceInOrder, readStream } from './support/stream-contents';
import { allEventIds, appendInterleaved } from './support/workload';

const SOAK = process.env.CHRONICLE_SOAK === '1';
const KILLS = SOAK ? 50 : 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const fixture = fileURLToPath(new URL('./fixtures/relay-child.ts', import.meta.url));
type Progress = { type: string; checkpoint?: string; confirmed?: number; inFlight?: number };

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
});
afterAll(() => stopAllNatsServers());

/** Starts a relay process; `progress` receives each status it reports. */
function relayChild(args: Record<string, unknown>, progress: (message: Progress) => void) {
  const child = fork(fixture, [JSON.stringify(args)], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  child.on('message', (m: Progress) => progress(m));
  return { child, exited };
}

it(`a relay SIGKILLed mid-batch ${KILLS} times: every event once, in order`, {
  timeout: 180_000,
}, async () => {
  const server = await startNatsServer();
  const { stream, prefix } = uniqueNames('kills');
  const nc = await connect({ servers: server.url });
  await (await jetstreamManager(nc)).streams.add({
    name: stream,
    subjects: [`${prefix}.>`],
    duplicate_window: 600e9,
  });
  await nc.close();
  const filename = join(tempDirectory('kills'), 'events.db');
  const store = createSqliteEventStore({ filename });
  let head = await appendInterleaved(store, 1_500);
  let appended = 1_500;
  const args = {
    filename,
    servers: server.url,
    stream,
    prefix,
    id: 'kills',
    batchSize: 60,
    window: 16,
    leaseTtlMs: 300,
  };

  let kills = 0;
  let midBatch = 0;
  let sentBeforeKills = 0;
  while (kills < KILLS) {
    let last: Progress = { type: 'none' };
    let inFlightSeen = false;
    const { child, exited } = relayChild(args, (m) => {
      if (m.type !== 'progress') return;
      last = m;
      if ((m.inFlight ?? 0) > 0) inFlightSeen = true;
    });
    // It first waits for the killed one's lease to lapse; kill it within a few ms of its first
    // report of messages in flight, at a random point of its batch.
    const started = Date.now();
    while (!inFlightSeen && Date.now() - started < 10_000) await sleep(1);
    await sleep(Math.random() * 8);
    if ((last.inFlight ?? 0) > 0) midBatch++;
    child.kill('SIGKILL');
    await exited;
    kills++;
    sentBeforeKills += last.confirmed ?? 0;
    head = await appendInterleaved(store, 200, { offset: appended });
    appended += 200;
  }

  // A last relay finishes the log and stops cleanly.
  let done: { confirmed?: number } = {};
  const { child, exited } = relayChild(args, (m) => {
    if (m.type === 'done') done = m;
  });
  child.send({ type: 'finish', target: String(head) });
  await exited;
  const expected = await allEventIds(store);
  await store.close();
  const report = deliveryReport(expected, await readStream(server.url, stream));
  const confirmedInAll = sentBeforeKills + (done.confirmed ?? 0);
  console.info(
    `relay kills: ${kills} SIGKILLs (${midBatch} with messages in flight); ${report.expected} events, ` +
      `${report.stored} stored, ${report.duplicates} duplicates, ${report.missing} missing, ` +
      `${report.outOfOrder} out of order; at least ${confirmedInAll - report.expected} re-sends dropped by the stream`,
  );
  expect(done.confirmed, 'the last relay finished').toBeDefined();
  expect(midBatch, 'most kills hit a batch in flight').toBeGreaterThanOrEqual(Math.ceil(KILLS / 2));
  expect(report).toEqual(everyEventOnceInOrder(expected));
});
