/**
 * W7's child process: reopens storage the parent seeded (or, for the in-memory store, seeds its own),
 * reads every event with read-all, and prints one JSON line with its own memory figures. Running in
 * a child keeps the parent's heap (seeding, earlier workloads) out of the peak RSS.
 *
 * argv: <target> <location> <events> <batchSize> <seedBatch> <dataDir> <postgresUrl>
 */

import { TARGET_NAMES, type TargetName } from './subject';
import { createFactory } from './subjects/index';
import { seedLargeLog } from './workloads/seed';

export interface ReadAllMemoryChildReport {
  readonly events: number;
  readonly readMs: number;
  /** RSS once the store is open (and, for in-memory, seeded), before reading. */
  readonly rssBeforeReadMb: number;
  /** The highest RSS sampled while reading. */
  readonly rssDuringReadMb: number;
  /** The kernel's peak RSS of the whole child process (`getrusage` maxrss). */
  readonly peakRssMb: number;
  readonly heapUsedAfterMb: number;
}

const MB = 1024 * 1024;
/** Events between RSS samples: often enough to catch growth, rare enough to cost nothing. */
const SAMPLE_EVERY = 1000;

async function main(): Promise<void> {
  const [target, location, eventsArg, batchArg, seedBatchArg, dataDir, postgresUrl] = process.argv.slice(2);
  if (!TARGET_NAMES.includes(target as TargetName) || location === undefined) {
    throw new Error(
      `usage: read-all-memory-child <target> <location> <events> <batchSize> <seedBatch> <dataDir> <postgresUrl>`,
    );
  }
  const events = Number(eventsArg);
  const batchSize = Number(batchArg);
  const factory = createFactory(target as TargetName, {
    dataDir: dataDir ?? '.',
    postgresUrl: postgresUrl ?? '',
  });
  const subject = await factory.reopen(location);
  if (factory.driver === 'memory') await seedLargeLog(subject, events, Number(seedBatchArg));
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssDuring = rssBefore;
  let count = 0;
  let last = -1n;
  const t0 = performance.now();
  for await (const event of subject.readAll(batchSize)) {
    if (event.position <= last) throw new Error(`W7 positions out of order at ${event.position}`);
    last = event.position;
    if (++count % SAMPLE_EVERY === 0) rssDuring = Math.max(rssDuring, process.memoryUsage.rss());
  }
  const readMs = performance.now() - t0;
  rssDuring = Math.max(rssDuring, process.memoryUsage.rss());
  await subject.close();
  if (count !== events) throw new Error(`W7 read ${count} events, expected ${events}`);
  const report: ReadAllMemoryChildReport = {
    events: count,
    readMs,
    rssBeforeReadMb: rssBefore / MB,
    rssDuringReadMb: rssDuring / MB,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    heapUsedAfterMb: process.memoryUsage().heapUsed / MB,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
