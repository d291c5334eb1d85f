// A three-node JetStream cluster on loopback (three nats-server processes with routes, each its own
// store), a stream with 3 replicas, a relay under steady load: one node is SIGKILLed and restarted,
// later the stream's leader is. Nothing is lost or duplicated and each aggregate stays in order. The
// test owns and removes every process and directory.
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, expect, it } from 'vitest';
import { createJetStreamRelay } from '../src/index';
import { uniqueNames } from './support/fixtures';
import { type NatsServer, startNatsCluster, stopAllNatsServers, tempDirectory } from './support/nats-server';
import { deliveryReport, everyEventOnceInOrder, readStream } from './support/stream-contents';
import { allEventIds, startWriter } from './support/workload';

afterAll(() => stopAllNatsServers());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SOAK = process.env.CHRONICLE_SOAK === '1';

/** The stream's leader and whether every replica is current, as the cluster reports it. */
async function streamCluster(servers: string[], stream: string) {
  const nc = await connect({ servers, timeout: 2_000 });
  try {
    const info = await (await jetstreamManager(nc)).streams.info(stream);
    const replicas = info.cluster?.replicas ?? [];
    return {
      leader: info.cluster?.leader,
      current: replicas.length === 2 && replicas.every((r) => r.current),
    };
  } finally {
    await nc.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting until ${what}`);
    await sleep(200);
  }
}

it('a 3-node JetStream cluster loses a node, then the stream leader: nothing lost or duplicated', {
  timeout: 150_000,
}, async () => {
  const nodes = await startNatsCluster('natsrelay-cluster');
  const urls = nodes.map((n) => n.url);
  const { stream, prefix } = uniqueNames('cluster');
  const store = createSqliteEventStore({
    filename: join(tempDirectory('cluster'), 'events.db'),
    pollIntervalMs: 10,
  });
  // The cluster needs a moment to elect its meta leader before it accepts a replicated stream.
  const relay = await until('the cluster accepts the R3 stream', () =>
    createJetStreamRelay(store, {
      id: 'cluster',
      servers: urls,
      stream: { name: stream, create: true, replicas: 3 },
      subjectPrefix: prefix,
      batchSize: 50,
      window: 16,
      publishTimeoutMs: 1_000,
      retry: { baseDelayMs: 50, maxDelayMs: 500 },
    }),
  );
  await until('every replica is current', async () =>
    (await streamCluster(urls, stream)).current ? true : undefined,
  );

  // Steady load: 20 events every 25 ms from one writer.
  const writer = startWriter(store, { head: 0n, appended: 0 }, { size: 20, pauseMs: 25 });
  const byName = (name: string | undefined) => nodes.find((n) => n.name === name) as NatsServer;
  const rounds = SOAK ? 3 : 1;
  const killed: string[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(1_500);
    // One node that is not the leader.
    const { leader } = await streamCluster(urls, stream);
    const follower = nodes.find((n) => n.name !== leader) as NatsServer;
    await follower.stop('SIGKILL');
    killed.push(`${follower.name} (follower)`);
    await sleep(2_000);
    await follower.start();
    await until('the restarted node is current again', async () =>
      (await streamCluster(urls, stream)).current ? true : undefined,
    );
    // Then the stream's leader.
    const leaderNode = byName((await streamCluster(urls, stream)).leader);
    await leaderNode.stop('SIGKILL');
    killed.push(`${leaderNode.name} (leader)`);
    const newLeader = await until('a new leader is elected', async () => {
      const { leader: now } = await streamCluster(
        urls.filter((u) => u !== leaderNode.url),
        stream,
      );
      return now !== undefined && now !== leaderNode.name ? now : undefined;
    });
    await sleep(1_500);
    await leaderNode.start();
    killed.push(`→ new leader ${newLeader}`);
    await until('the old leader is current again', async () =>
      (await streamCluster(urls, stream)).current ? true : undefined,
    );
  }
  await sleep(1_000);
  await relay.whenRelayed(await writer.stop(), { timeoutMs: 60_000 });
  const status = relay.status();
  await relay.stop();

  const expected = await allEventIds(store);
  await store.close();
  const report = deliveryReport(expected, await readStream(urls, stream));
  console.info(
    `cluster: killed ${killed.join(', ')}; ${report.expected} events, ${report.stored} stored, ` +
      `${report.duplicates} duplicates, ${report.missing} missing, ${report.outOfOrder} out of order; ` +
      `${status.failedAttempts} failed publish attempts retried`,
  );
  expect(report).toEqual(everyEventOnceInOrder(expected));
});
