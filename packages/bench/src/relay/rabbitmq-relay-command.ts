/** `pnpm bench relay-rabbitmq [--quick]`: runs the RabbitMQ relay bench, prints its figures, writes its JSON. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_RELAY_BATCH_SIZE,
  DEFAULT_RELAY_CHECKPOINT_INTERVAL_MS,
  DEFAULT_RELAY_WINDOW,
} from '@chronicle/core/relay';
import { round2 } from '../machine';
import { type RabbitMqRelayBenchOptions, runRabbitMqRelayBench } from './rabbitmq-relay-bench';

export const RELAY_RABBITMQ_USAGE = `usage: pnpm bench relay-rabbitmq [--quick] [--batch-size N] [--checkpoint-interval-ms N] [--synchronous full|normal]
  Relay throughput (SQLite store → RabbitMQ, confirms) against amqplib publishing the same messages
  with the same confirms and window in a loop; append → delivery latency p50/p99.
  CHRONICLE_RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672) names the broker.`;

/** The target the relay must reach against its baseline (issue 15). */
export const RELAY_RATIO_TARGET = 0.8;

export async function relayRabbitMqMain(argv: readonly string[], resultsDir: string): Promise<number> {
  const flags = new Map<string, string>();
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === '--quick') flags.set(arg, 'true');
    else if (
      (arg === '--batch-size' || arg === '--synchronous' || arg === '--checkpoint-interval-ms') &&
      rest.length > 0
    )
      flags.set(arg, rest.shift()!);
    else {
      process.stderr.write(`unknown argument ${arg}\n\n${RELAY_RABBITMQ_USAGE}\n`);
      return 2;
    }
  }
  const quick = flags.has('--quick');
  const batchSize = Number(flags.get('--batch-size') ?? DEFAULT_RELAY_BATCH_SIZE);
  const synchronous = flags.get('--synchronous') ?? 'full';
  const checkpointIntervalMs = Number(
    flags.get('--checkpoint-interval-ms') ?? DEFAULT_RELAY_CHECKPOINT_INTERVAL_MS,
  );
  if (
    !Number.isSafeInteger(batchSize) ||
    batchSize <= 0 ||
    !Number.isSafeInteger(checkpointIntervalMs) ||
    checkpointIntervalMs < 0 ||
    (synchronous !== 'full' && synchronous !== 'normal')
  ) {
    process.stderr.write(
      `bad --batch-size, --checkpoint-interval-ms or --synchronous\n\n${RELAY_RABBITMQ_USAGE}\n`,
    );
    return 2;
  }
  const dataDir = mkdtempSync(join(os.tmpdir(), 'chronicle-relay-bench-'));
  const options: RabbitMqRelayBenchOptions = {
    url: process.env.CHRONICLE_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672',
    messages: quick ? 2_000 : 20_000,
    rounds: quick ? 1 : 5,
    window: DEFAULT_RELAY_WINDOW,
    batchSize,
    checkpointIntervalMs,
    synchronous,
    latencyEvents: quick ? 200 : 2_000,
    latencyRatePerSec: 200,
    dataDir,
    log: (line) => process.stdout.write(`${line}\n`),
  };
  const loadBefore = os.loadavg().map(round2);
  try {
    const startedAt = new Date().toISOString();
    const report = await runRabbitMqRelayBench(options);
    const loadAfter = os.loadavg().map(round2);
    const verdict = report.ratio >= RELAY_RATIO_TARGET ? 'meets' : 'MISSES';
    process.stdout.write(
      [
        '',
        `| relay → RabbitMQ (${options.messages} events, window ${options.window}, batch ${options.batchSize}, checkpoint interval ${options.checkpointIntervalMs} ms, SQLite synchronous ${options.synchronous}) | msg/s (median of ${options.rounds}) |`,
        '|---|---:|',
        `| baseline: amqplib, same messages and confirms, no store | ${Math.round(report.baselineMessagesPerSec)} |`,
        `| relay: createRabbitMqRelay from SQLite | ${Math.round(report.relayMessagesPerSec)} |`,
        `| ratio | ${report.ratio.toFixed(2)}x (${verdict} the ${RELAY_RATIO_TARGET}x target) |`,
        '',
        `append → delivery latency (${report.latencyEvents} events at ${options.latencyRatePerSec}/s): p50 ${report.latencyP50Ms.toFixed(1)} ms, p99 ${report.latencyP99Ms.toFixed(1)} ms`,
        `load average (1/5/15 min): before ${loadBefore.join('/')}, after ${loadAfter.join('/')}; ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`,
        '',
      ].join('\n'),
    );
    if (!quick) {
      mkdirSync(resultsDir, { recursive: true });
      const out = join(
        resultsDir,
        `relay-rabbitmq-b${batchSize}-i${checkpointIntervalMs}-${synchronous}-${startedAt.replace(/[:.]/g, '-')}.json`,
      );
      const { log: _log, ...settings } = options;
      writeFileSync(
        out,
        `${JSON.stringify({ startedAt, settings, loadBefore, loadAfter, ...report }, null, 2)}\n`,
      );
      process.stdout.write(`report: ${out}\n`);
    }
    return 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
