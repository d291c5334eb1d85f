/**
 * `pnpm bench relay [--quick] [--events n] [--window n] [--rounds n]`: the relay workloads (R1, R2)
 * against NATS JetStream (CHRONICLE_NATS_URL, default the machine's server on 4222).
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { round2 } from '../machine';
import { defaultDataDir } from '../options';
import { type RelayBenchResult, runRelayBench } from './relay-bench';

export const RELAY_USAGE = `pnpm bench relay [options]   relay throughput against the same client in a loop, and latency

  --events n    events in the throughput backlog (default 20000; quick 500)
  --window n    messages awaiting their ack at once, relay and baseline alike (default 64)
  --rounds n    measured throughput rounds, alternating which goes first (default 5; quick 1)
  --quick       tiny scale: a smoke test of the harness (CI)

NATS: CHRONICLE_NATS_URL (default nats://127.0.0.1:4222), JetStream on.`;

const int = (value: string | undefined, fallback: number, name: string) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
};

/** Renders the figures as the Markdown table of docs/performance.md. */
export function renderRelayTable(r: RelayBenchResult): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return [
    '| workload (median)                          |   relay | baseline | relay/baseline |',
    '|:-------------------------------------------|--------:|---------:|---------------:|',
    `| R1 relay a backlog of ${fmt(r.events)} events (ev/s) | ${fmt(r.relayPerSecond)} | ${fmt(r.baselinePerSecond)} | ${r.ratio.toFixed(2)}x |`,
    `| R2 append → consumer receives, p50 (ms)    | ${r.latencyP50Ms.toFixed(2)} | | |`,
    `| R2 append → consumer receives, p99 (ms)    | ${r.latencyP99Ms.toFixed(2)} | | |`,
  ].join('\n');
}

export async function relayMain(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      events: { type: 'string' },
      window: { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${RELAY_USAGE}\n`);
    return 0;
  }
  const quick = values.quick === true;
  const dataDir = defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  try {
    const result = await runRelayBench({
      url: process.env.CHRONICLE_NATS_URL || 'nats://127.0.0.1:4222',
      dataDir,
      events: int(values.events, quick ? 500 : 20_000, 'events'),
      latencyEvents: quick ? 50 : 1_000,
      window: int(values.window, 64, 'window'),
      rounds: int(values.rounds, quick ? 1 : 5, 'rounds'),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`\n${renderRelayTable(result)}\n\n`);
    const met = result.ratio >= 0.8;
    process.stdout.write(
      `${met ? 'met   ' : 'MISSED'} R1 relay/baseline >= 0.8x: ${result.ratio.toFixed(3)} (window ${result.window}, ${result.rounds} rounds)\n`,
    );
    process.stdout.write(`load average (1/5/15 min): ${os.loadavg().map(round2).join('/')}\n`);
    return 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
