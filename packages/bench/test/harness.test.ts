import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/options';
import { runBench } from '../src/run';
import { QUICK } from '../src/scale';
import { median, percentile } from '../src/stats';
import type { PositionedEvent, Subject, SubjectFactory } from '../src/subject';
import { memoryFactory } from '../src/subjects/memory-subjects';
import { sqliteFloorFactory } from '../src/subjects/sqlite-subjects';

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
  it('brings each adapter with its raw and floor baselines unless told not to', () => {
    expect(parseCli(['--adapters', 'sqlite']).targets).toEqual(['sqlite', 'sqlite-raw', 'sqlite-floor']);
    expect(parseCli(['--adapters', 'postgres,memory', '--no-raw']).targets).toEqual([
      'memory',
      'postgres',
      'postgres-floor',
    ]);
    expect(parseCli(['--adapters', 'sqlite', '--no-raw', '--no-floor']).targets).toEqual(['sqlite']);
    expect(parseCli([]).targets).toEqual([
      'memory',
      'sqlite',
      'sqlite-raw',
      'sqlite-floor',
      'postgres',
      'postgres-raw',
      'postgres-floor',
    ]);
  });

  it('measures W8 at 1M and 10M stored events only when asked', () => {
    expect(parseCli([]).scale.growthLevels.every((level) => level < 1_000_000)).toBe(true);
    expect(parseCli(['--quick']).scale.growthLevels).toEqual([0]);
    expect(parseCli(['--growth-max', '10000000']).scale.growthLevels).toEqual([0, 1_000_000, 10_000_000]);
    expect(parseCli(['--growth-max', '1500000']).scale.growthLevels).toEqual([0, 1_000_000, 1_500_000]);
    expect(() => parseCli(['--growth-max', '-1'])).toThrow(/--growth-max/);
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
    expect(() => parseCli(['--workloads', 'W99'])).toThrow(/unknown workload 'W99'/);
    expect(() => parseCli(['--rounds', '0'])).toThrow(/--rounds/);
    expect(() => parseCli(['--fast'])).toThrow();
  });
});

/** A target's subjects with one defect injected, to prove the bench's verification catches it. */
function broken(make: () => SubjectFactory, defect: (subject: Subject) => Subject): () => SubjectFactory {
  return () => {
    const real = make();
    return { ...real, open: async () => defect(await real.open()) };
  };
}

const brokenMemory = (defect: (subject: Subject) => Subject) => broken(memoryFactory, defect);

async function errorsOf(
  factory: () => SubjectFactory,
  workload: 'W4' | 'W5' | 'W6',
): Promise<string | undefined> {
  const made = factory();
  const report = await runBench({
    targets: [made.name],
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

// The floor reads back only { version, type, data }: the workloads' checks must still hold it to
// the same standard (every event once, each version carrying its own data, the fold exact).
describe('verification of the floor baseline', () => {
  const floor = () => sqliteFloorFactory(dataDir);

  it('a correct floor passes W4, W5 and W6', async () => {
    expect(await errorsOf(floor, 'W4')).toBeUndefined();
    expect(await errorsOf(floor, 'W5')).toBeUndefined();
    expect(await errorsOf(floor, 'W6')).toBeUndefined();
  });

  it('W4 notices a floor that returns one version with the data of another version', async () => {
    const swapping = broken(floor, (subject) => ({
      ...subject,
      async readStream(stream) {
        const events = await subject.readStream(stream);
        return events.map((event, i) => (i === 3 ? { ...event, data: events[4]!.data } : event));
      },
    }));
    expect(await errorsOf(swapping, 'W4')).toMatch(/W4 event 3 carries the data of another version/);
  });

  it('W6 notices a floor whose read-all repeats an event in place of another', async () => {
    const repeating = broken(floor, (subject) => ({
      ...subject,
      async *readAll(batchSize) {
        let previous: PositionedEvent | undefined;
        let i = 0;
        for await (const event of subject.readAll(batchSize)) {
          yield i++ === 9 && previous !== undefined ? { ...event, data: previous.data } : event;
          previous = event;
        }
      },
    }));
    expect(await errorsOf(repeating, 'W6')).toMatch(/W6 read an event twice/);
  });

  it('W5 notices a floor whose load folds a wrong balance', async () => {
    const dropping = broken(floor, (subject) => ({
      ...subject,
      async loadAccount(id) {
        const state = await subject.loadAccount(id);
        return { ...state, balance: state.balance - 1 };
      },
    }));
    expect(await errorsOf(dropping, 'W5')).toMatch(/W5 \w+ has balance/);
  });
});
