/**
 * W11's child process: reopens the backlog the parent seeded (the in-memory store seeds its own),
 * then runs a processor whose handler pauses every few events — slower than the store can read —
 * over the whole backlog, sampling RSS. C4 says a subscription holds one batch, never a growing
 * backlog, so RSS must stay near where it started. Prints one JSON line.
 *
 * argv: <target> <location> <events> <seedBatch> <pauseEvery> <pauseMs> <dataDir> <postgresUrl>
 */
import { startProcessor } from '@chronicle/core';
import { TARGET_NAMES, type TargetName } from './subject';
import { createFactory } from './subjects/index';
import { storeOf } from './workloads/consuming-subject';
import { seedLargeLog } from './workloads/seed';

export interface SlowConsumerChildReport {
  readonly events: number;
  readonly consumeMs: number;
  /** RSS once the store is open (and, in memory, seeded), after a GC, before the processor starts. */
  readonly rssStartMb: number;
  /** The highest RSS sampled while the processor worked through the backlog. */
  readonly rssPeakMb: number;
}

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const [target, location, eventsArg, seedBatchArg, everyArg, pauseArg, dataDir, postgresUrl] =
    process.argv.slice(2);
  if (!TARGET_NAMES.includes(target as TargetName) || location === undefined) {
    throw new Error(
      'usage: slow-consumer-child <target> <location> <events> <seedBatch> <pauseEvery> <pauseMs> <dataDir> <postgresUrl>',
    );
  }
  const [events, pauseEvery, pauseMs] = [Number(eventsArg), Number(everyArg), Number(pauseArg)];
  const factory = createFactory(target as TargetName, {
    dataDir: dataDir ?? '.',
    postgresUrl: postgresUrl ?? '',
  });
  const subject = await factory.reopen(location);
  const store = storeOf(subject);
  if (factory.driver === 'memory') await seedLargeLog(subject, events, Number(seedBatchArg));
  let head = 0n;
  for await (const batch of store.subscribe({ from: 'end', live: false })) head = batch.through;
  global.gc?.();
  const rssStart = process.memoryUsage.rss();
  let rssPeak = rssStart;
  let handled = 0;
  const t0 = performance.now();
  const processor = startProcessor(store, {
    id: 'bench-slow-consumer',
    async handle() {
      if (++handled % pauseEvery !== 0) return;
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    },
  });
  try {
    await processor.whenProcessed(head, { timeoutMs: 3_600_000 });
  } finally {
    await processor.stop();
  }
  const consumeMs = performance.now() - t0;
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  await subject.close();
  if (handled !== events) throw new Error(`W11 handled ${handled} events, expected ${events}`);
  const report: SlowConsumerChildReport = {
    events: handled,
    consumeMs,
    rssStartMb: rssStart / MB,
    rssPeakMb: rssPeak / MB,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
