import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/options';
import { runBench } from '../src/run';
import { QUICK } from '../src/scale';
import { median, percentile } from '../src/stats';
import type { Subject, SubjectFactory } from '../src/subject';
import { memoryFactory } from '../src/subjects/memory-subjects';

const dataDir = mkdtempSync(join(tmpdir(), 'chronicle-bench-harness-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('statistics', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('command line', () => {
  it('brings each adapter with its raw baseline unless told not to', () => {
    expect(parseCli(['--adapters', 'sqlite']).targets).toEqual(['sqlite', 'sqlite-raw']);
    expect(parseCli(['--adapters', 'postgres,memory', '--no-raw']).targets).toEqual(['memory', 'postgres']);
    expect(parseCli([]).targets).toEqual(['memory', 'sqlite', 'sqlite-raw', 'postgres', 'postgres-raw']);
  });

  it('selects workloads case-insensitively, in run order, and takes the quick scale', () => {
    const options = parseCli(['--', '--workloads', 'w6,W1', '--quick', '--rounds', '2']);
    expect(options.workloads).toEqual(['W1', 'W6']);
    expect(options.quick).toBe(true);
    expect(options.scale.rounds).toBe(2);
    expect(options.scale.w1Appends).toBe(QUICK.w1Appends);
  });

  it('selects workloads by name too', () => {
    expect(parseCli(['--workloads', 'readAll,sequentialAppends']).workloads).toEqual(['W1', 'W6']);
    expect(() => parseCli(['--workloads', 'toString'])).toThrow(/unknown workload 'TOSTRING'/);
  });

  it('rejects unknown adapters, workloads and options', () => {
    expect(() => parseCli(['--adapters', 'mysql'])).toThrow(/unknown adapter 'mysql'/);
    expect(() => parseCli(['--workloads', 'W9'])).toThrow(/unknown workload 'W9'/);
    expect(() => parseCli(['--rounds', '0'])).toThrow(/--rounds/);
    expect(() => parseCli(['--fast'])).toThrow();
  });
});

/** The in-memory store with one defect injected, to prove the bench's verification catches it. */
function brokenMemory(defect: (subject: Subject) => Subject): () => SubjectFactory {
  return () => {
    const real = memoryFactory();
    return { ...real, open: async () => defect(await real.open()) };
  };
}

async function errorsOf(factory: () => SubjectFactory, workload: 'W4' | 'W6'): Promise<string | undefined> {
  const report = await runBench({
    targets: ['memory'],
    workloads: [workload],
    scale: QUICK,
    quick: true,
    storage: { dataDir, postgresUrl: 'postgres://unused' },
    requirePostgres: false,
    log: () => {},
    factoryOf: factory,
  });
  return report.workloads[0]!.targets[0]!.error;
}

describe('verification: a wrong store gets no figures', () => {
  it('W6 notices a read-all that skips an event', async () => {
    const skipping = brokenMemory((subject) => ({
      ...subject,
      async *readAll(batchSize) {
        let i = 0;
        for await (const event of subject.readAll(batchSize)) if (i++ !== 7) yield event;
      },
    }));
    expect(await errorsOf(skipping, 'W6')).toMatch(/W6 read \d+ events, expected/);
  });

  it('W4 notices an append acknowledged but not stored', async () => {
    let appends = 0;
    const lossy = brokenMemory((subject) => ({
      ...subject,
      // Every fifth append reports success without storing: the stream still reaches its quota, but
      // more appends claimed success than the stream holds.
      append: async (stream, expected, events) => {
        if (++appends % 5 !== 0) await subject.append(stream, expected, events);
      },
    }));
    expect(await errorsOf(lossy, 'W4')).toMatch(/W4 writers report \d+ successful appends/);
  });

  it('a correct store passes the same checks', async () => {
    expect(await errorsOf(memoryFactory, 'W6')).toBeUndefined();
    expect(await errorsOf(memoryFactory, 'W4')).toBeUndefined();
  });
});
