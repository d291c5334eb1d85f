import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadAllMemoryChildReport } from '../read-all-memory-child';
import { perSecond } from '../stats';
import type { Subject, SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { seedStream } from './seed';
import { type Metrics, verify, type Workload } from './workload';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD = join(PACKAGE_DIR, 'src', 'read-all-memory-child.ts');

interface W7Prepared {
  /** What the child reopens; `memory` when the child seeds its own in-memory store. */
  readonly location: string;
  /** How fast the parent seeded the store; absent when the child seeds its own in-memory store. */
  readonly seedEventsPerSec: number | undefined;
}

/**
 * Runs the read-all child (see `read-all-memory-child.ts`) and returns its report; rejects with its
 * stderr when it fails. W8 uses it too, for its read-all rate and RSS at each level.
 */
export function runChild(args: readonly string[]): Promise<ReadAllMemoryChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, ...args], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`read-all child exited with ${code}: ${stderr.trim()}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ReadAllMemoryChildReport);
      } catch {
        reject(new Error(`read-all child printed no report: ${stdout.trim()} ${stderr.trim()}`));
      }
    });
  });
}

/**
 * W7: memory while `readAll` streams the whole store. The parent seeds the store in large appends
 * (the fastest path in), then a fresh child process opens it and reads every event, sampling its
 * RSS; its peak RSS is the figure. The in-memory store cannot be shared, so its child seeds itself
 * and its peak includes the store's own million events.
 */
export const readAllMemory: Workload<W7Prepared> = {
  id: WORKLOAD.readAllMemory,
  title: 'read-all memory (child process, peak RSS)',
  interleaved: false,
  oneRound: true,
  async prepare(factory: SubjectFactory, scale) {
    if (factory.driver === 'memory') return { location: 'memory', seedEventsPerSec: undefined };
    const subject: Subject = await factory.open();
    const streamLength = scale.w7SeedBatch * 2;
    const t0 = performance.now();
    try {
      for (let s = 0; s * streamLength < scale.w7Events; s++) {
        const length = Math.min(streamLength, scale.w7Events - s * streamLength);
        await seedStream(subject, `big-${s}`, length, scale.w7SeedBatch);
      }
    } finally {
      await subject.close();
    }
    return {
      location: subject.location,
      seedEventsPerSec: perSecond(scale.w7Events, performance.now() - t0),
    };
  },
  async round(factory, { location, seedEventsPerSec }, { scale, storage }): Promise<Metrics> {
    const report = await runChild([
      factory.name,
      location,
      String(scale.w7Events),
      String(scale.readAllBatchSize),
      String(scale.w7SeedBatch),
      storage.dataDir,
      storage.postgresUrl,
    ]);
    verify(report.events === scale.w7Events, `W7 child read ${report.events} events`);
    const metrics: Metrics = {
      peakRssMb: report.peakRssMb,
      rssBeforeReadMb: report.rssBeforeReadMb,
      rssGrowthMb: report.rssDuringReadMb - report.rssBeforeReadMb,
      readEventsPerSec: perSecond(report.events, report.readMs),
    };
    if (seedEventsPerSec !== undefined) metrics.seedEventsPerSec = seedEventsPerSec;
    return metrics;
  },
  finish: async () => {},
};
