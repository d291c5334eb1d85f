// The relay workloads at tiny scale against the machine's NATS server: the harness runs, both sides
// publish the whole backlog, the latency probe hears every event, and no stream is left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it } from 'vitest';
import { runRelayBench } from '../src/relay/relay-bench';
import { renderRelayTable } from '../src/relay/relay-command';

const url = process.env.CHRONICLE_NATS_URL || 'nats://127.0.0.1:4222';

it('pnpm bench relay --quick measures R1 and R2 and cleans up its streams', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  try {
    const result = await runRelayBench({
      url,
      dataDir,
      events: 200,
      latencyEvents: 20,
      window: 16,
      rounds: 1,
      log: () => {},
    });
    expect(result.relayPerSecond).toBeGreaterThan(0);
    expect(result.baselinePerSecond).toBeGreaterThan(0);
    expect(result.latencyEvents).toBe(20);
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms);
    expect(renderRelayTable(result)).toContain('R1 relay a backlog of 200 events');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const nc = await connect({ servers: url });
  const names: string[] = [];
  for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
  await nc.close();
  expect(names.filter((n) => n.startsWith(`CHRONICLE_BENCH_`) && n.includes(`_${process.pid}_`))).toEqual([]);
});
