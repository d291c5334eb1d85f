import { join } from 'node:path';
import { openInspection } from '@chronicle/cli';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { round2 } from '../machine';
import { percentile } from '../stats';

/** How big a log the inspection bench builds. */
export interface InspectionScale {
  readonly streams: number;
  readonly eventsPerStream: number;
}

/** The full run: 1M events in 100k streams. */
export const FULL_INSPECTION_SCALE: InspectionScale = { streams: 100_000, eventsPerStream: 10 };
/** `--quick`: 100k events in 10k streams. */
export const QUICK_INSPECTION_SCALE: InspectionScale = { streams: 10_000, eventsPerStream: 10 };

/** What the inspection bench measured (SQLite). */
export interface InspectionResult {
  readonly events: number;
  readonly streams: number;
  /** `streams` pages of 50, by where in the (type, id) order they start: p50 and max, in ms. */
  readonly streamPages: Record<'start' | 'middle' | 'end', { p50Ms: number; maxMs: number }>;
  /** Walking every page of streams: pages, total ms, and the heap's growth meanwhile (bounded memory). */
  readonly fullWalk: { pages: number; ms: number; heapGrowthMiB: number };
  /** `readAll` through the adapter, the baseline: events per second. */
  readonly readAllPerSec: number;
  /** `verify` (every check, the log scan included): events per second. */
  readonly verifyPerSec: number;
  /** verify / readAll; the target is >= 0.5. */
  readonly verifyRatio: number;
}

const PAGE = 50;
const SAMPLES = 30;
const streamId = (n: number) => `acc-${String(n).padStart(7, '0')}`;

/**
 * Seeds a SQLite store with `scale` (through the adapter's append, `synchronous = off` to seed fast),
 * then measures what the `chronicle` command and the inspector do on it: keyset pages of streams at
 * the start, middle and end of the order; a walk of every page with the heap watched; and `verify`'s
 * rate against `readAll`'s in the same run.
 */
export async function runInspectionBench(
  dataDir: string,
  scale: InspectionScale,
  log: (line: string) => void,
): Promise<InspectionResult> {
  const filename = join(dataDir, 'inspection.db');
  const store = createSqliteEventStore({ filename, synchronous: 'off' });
  const events = scale.streams * scale.eventsPerStream;
  log(`inspection: seeding ${events} events in ${scale.streams} streams`);
  for (let s = 0; s < scale.streams; s++) {
    await store.append(
      { aggregateType: 'Account', aggregateId: streamId(s) },
      'no_stream',
      Array.from({ length: scale.eventsPerStream }, (_, v) => ({
        eventType: v === 0 ? 'AccountOpened' : 'MoneyDeposited',
        eventData: v === 0 ? { owner: `owner-${s}` } : { amount: v },
      })),
    );
  }

  log('inspection: readAll (baseline)');
  let read = 0;
  const readStarted = performance.now();
  for await (const _event of store.readAll({ batchSize: 5000 })) read++;
  const readAllPerSec = read / ((performance.now() - readStarted) / 1000);
  await store.close();
  if (read !== events) throw new Error(`verification failed: readAll saw ${read} events, not ${events}`);

  const inspection = await openInspection({ adapter: 'sqlite', filename });
  try {
    log('inspection: streams pages');
    const pageAt = async (startIndex: number) => {
      const after = startIndex === 0 ? undefined : { type: 'Account', id: streamId(startIndex - 1) };
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = performance.now();
        const page = await inspection.streams({ after, limit: PAGE + 1 });
        times.push(performance.now() - started);
        if (page[0]?.aggregateId !== streamId(startIndex)) throw new Error('verification failed: wrong page');
      }
      return { p50Ms: round2(percentile(times, 50)), maxMs: round2(Math.max(...times)) };
    };
    const streamPages = {
      start: await pageAt(0),
      middle: await pageAt(Math.floor(scale.streams / 2)),
      end: await pageAt(scale.streams - PAGE),
    };

    log('inspection: every page of streams');
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const walkStarted = performance.now();
    let pages = 0;
    let seen = 0;
    let after: { type: string; id: string } | undefined;
    for (;;) {
      const page = await inspection.streams({ after, limit: PAGE });
      if (page.length === 0) break;
      pages++;
      seen += page.length;
      const last = page[page.length - 1]!;
      after = { type: last.aggregateType, id: last.aggregateId };
    }
    const walkMs = performance.now() - walkStarted;
    global.gc?.();
    const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    if (seen !== scale.streams) throw new Error(`verification failed: the walk saw ${seen} streams`);

    log('inspection: verify');
    const verifyStarted = performance.now();
    let checked = 0;
    const findings = await inspection.verify((done) => {
      checked = done;
    });
    const verifyPerSec = checked / ((performance.now() - verifyStarted) / 1000);
    if (findings.length > 0 || checked !== events) {
      throw new Error(
        `verification failed: verify checked ${checked} events, found ${findings.length} problems`,
      );
    }
    return {
      events,
      streams: scale.streams,
      streamPages,
      fullWalk: { pages, ms: Math.round(walkMs), heapGrowthMiB: round2(heapGrowthMiB) },
      readAllPerSec: Math.round(readAllPerSec),
      verifyPerSec: Math.round(verifyPerSec),
      verifyRatio: round2(verifyPerSec / readAllPerSec),
    };
  } finally {
    await inspection.close();
  }
}

/** The result as the lines `pnpm bench inspection` prints. */
export function renderInspection(result: InspectionResult): string {
  const page = (p: { p50Ms: number; maxMs: number }) => `p50 ${p.p50Ms} ms, max ${p.maxMs} ms`;
  return [
    `SQLite, ${result.events} events in ${result.streams} streams`,
    `streams page of ${PAGE}: start ${page(result.streamPages.start)}; middle ${page(result.streamPages.middle)}; end ${page(result.streamPages.end)}`,
    `every page: ${result.fullWalk.pages} pages in ${result.fullWalk.ms} ms, heap growth ${result.fullWalk.heapGrowthMiB} MiB`,
    `verify ${result.verifyPerSec} events/s vs readAll ${result.readAllPerSec} events/s: ratio ${result.verifyRatio} (target >= 0.5: ${result.verifyRatio >= 0.5 ? 'met' : 'MISSED'})`,
  ].join('\n');
}
