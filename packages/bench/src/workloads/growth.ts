import { loadavg } from 'node:os';
import { makeEvents } from '../payload';
import { median, perSecond } from '../stats';
import type { Subject, SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { runChild } from './memory';
import { verifyAccount } from './reads';
import { seedStream } from './seed';
import { type Metrics, type RoundContext, verify, type Workload } from './workload';

/**
 * Replays timed at each level on each store, alternating with the empty store's; the figures are
 * their median and their fastest. A 1,000-event replay takes a few milliseconds, about one scheduler
 * slice of a loaded machine: one pre-emption doubles it, so a median of three measured the load.
 */
const REPLAYS_PER_LEVEL = 21;

/** The appends timed at each level are split into this many rounds, alternating between the stores. */
const APPEND_ROUNDS = 10;

/** A W8 metric at one level: `appendEventsPerSec@1000000`. */
export function growthMetric(name: string, level: number): string {
  return `${name}@${level}`;
}

/**
 * The metric of the empty store measured alongside the grown one at a level: `replayEventsPerSec`
 * → `emptyReplayEventsPerSec`. The growth targets compare a level's figure with this one.
 */
export function emptyMetric(name: string): string {
  return `empty${name[0]!.toUpperCase()}${name.slice(1)}`;
}

/** Seeds `subject` from `from` to `to` stored events in streams of two big appends each. */
async function seedTo(subject: Subject, from: number, to: number, batch: number): Promise<void> {
  const streamLength = batch * 2;
  for (let done = from; done < to; ) {
    const length = Math.min(streamLength, to - done);
    await seedStream(subject, `seed-${done}`, length, batch);
    done += length;
  }
}

/**
 * The stores measured at a level: the grown one, and the empty one it is compared with — absent
 * when the run measures level 0 only (the quick run), where the grown store is the empty one.
 */
interface Pair {
  readonly grown: Subject;
  readonly empty: Subject | undefined;
}

/** Runs `measure` on each store in turn, `times` times, alternating which goes first. */
async function alternate(
  { grown, empty }: Pair,
  times: number,
  measure: (subject: Subject, i: number) => Promise<number>,
): Promise<{ grown: number[]; empty: number[] }> {
  const result = { grown: [] as number[], empty: [] as number[] };
  for (let i = 0; i < times; i++) {
    const order = i % 2 === 0 ? (['grown', 'empty'] as const) : (['empty', 'grown'] as const);
    for (const which of order) {
      const subject = which === 'grown' ? grown : empty;
      if (subject !== undefined) result[which].push(await measure(subject, i));
    }
  }
  return result;
}

/**
 * `rounds` rounds of `perRound` appends of `batch` events, each to a new stream, on both stores;
 * events/s of each round.
 */
async function timeAppends(pair: Pair, prefix: string, rounds: number, perRound: number, batch: number) {
  return alternate(pair, rounds, async (subject, round) => {
    const t0 = performance.now();
    for (let i = round * perRound; i < (round + 1) * perRound; i++) {
      const stream = `${prefix}-${i}`;
      await subject.append(stream, 0, makeEvents(stream, 0, batch));
    }
    return perSecond(perRound * batch, performance.now() - t0);
  });
}

/** Full replays of the `replay` stream on both stores; events/s of each. */
async function timeReplays(pair: Pair, events: number) {
  return alternate(pair, REPLAYS_PER_LEVEL, async (subject) => {
    const t0 = performance.now();
    const account = await subject.loadAccount('replay');
    const ms = performance.now() - t0;
    verifyAccount(account, 'replay', events);
    return perSecond(events, ms);
  });
}

/** Puts the `summary` (median by default) of each store's `rates` into `metrics` at `level`. */
function record(
  metrics: Metrics,
  level: number,
  name: string,
  rates: { grown: number[]; empty: number[] },
  summary: (rates: number[]) => number = median,
): void {
  metrics[growthMetric(name, level)] = summary(rates.grown);
  if (rates.empty.length > 0) metrics[growthMetric(emptyMetric(name), level)] = summary(rates.empty);
}

/**
 * W8: the cost of a growing log. One store per target, seeded up to each level in turn (0, then
 * e.g. 1M and 10M events) through the subject's own big appends — the adapter's append path,
 * not a side door. At each level: the rate of appends of `growthAppendBatch` events to new
 * streams; replays of one stream written first (so it ages with the log); a read-all of the
 * whole store in a child process (rate and RSS, as W7); the bytes the storage takes, and bytes per
 * stored event (growth over the empty store with its schema). Every result is verified.
 *
 * The machine's load drifts over the minutes a seed takes, so a level's append and replay rates are
 * compared with an **empty store of the same target, measured alongside**: it is opened at the
 * start (holding only the replay stream and the appends timed so far) and timed alternately with
 * the grown store, append round by append round and replay by replay (`empty…@level` metrics).
 * Both stores are in the same process, on the same driver and disk, so the ratio of the two is the
 * cost of the log's size, not of the moment it was measured in. A run of level 0 alone (the quick
 * run) has nothing to compare and opens no empty store.
 */
export const logGrowth: Workload<null> = {
  id: WORKLOAD.logGrowth,
  title: 'cost as the log grows (append, replay, read-all, bytes per event)',
  interleaved: false,
  oneRound: true,
  // The in-memory store has no disk and cannot be reopened by the read-all child.
  appliesTo: (factory: SubjectFactory) => factory.driver !== 'memory',
  prepare: async () => null,
  async round(factory, _prepared, { scale, storage, label }: RoundContext): Promise<Metrics> {
    const metrics: Metrics = {};
    const grown = await factory.open();
    const empty = scale.growthLevels.some((level) => level > 0)
      ? await factory.open().catch(async (error: unknown) => {
          await grown.close();
          throw error;
        })
      : undefined;
    const pair: Pair = { grown, empty };
    const stores = empty === undefined ? [grown] : [grown, empty];
    // Each level's figures as soon as they exist: a 10M run stopped before its end keeps the levels it finished.
    const progress = (line: string) => process.stderr.write(`W8 ${factory.name} ${line}\n`);
    try {
      const emptyBytes = await factory.storageBytes(grown.location);
      for (const subject of stores)
        await seedStream(subject, 'replay', scale.growthReplayEvents, scale.growthReplayEvents);
      let stored = scale.growthReplayEvents;
      let seeded = 0;
      for (const level of scale.growthLevels) {
        const at = (name: string) => growthMetric(name, level);
        const t0 = performance.now();
        await seedTo(grown, seeded, level, scale.w7SeedBatch);
        if (level > seeded) {
          metrics[at('seedEventsPerSec')] = perSecond(level - seeded, performance.now() - t0);
          progress(`seeded ${level} events at ${Math.round(metrics[at('seedEventsPerSec')]!)} ev/s`);
        }
        stored += level - seeded;
        seeded = level;
        metrics[at('loadAverage1m')] = loadavg()[0]!;

        const prefix = `${label}-${level}`;
        const perRound = Math.ceil(scale.growthAppends / APPEND_ROUNDS);
        const rounds = Math.ceil(scale.growthAppends / perRound);
        const appends = await timeAppends(pair, prefix, rounds, perRound, scale.growthAppendBatch);
        record(metrics, level, 'appendEventsPerSec', appends);
        stored += rounds * perRound * scale.growthAppendBatch;
        for (const subject of stores) {
          for (const i of [0, rounds * perRound - 1]) {
            const version = await subject.streamVersion(`${prefix}-${i}`);
            verify(version === scale.growthAppendBatch, `W8 stream ${prefix}-${i} is at version ${version}`);
          }
        }

        const replays = await timeReplays(pair, scale.growthReplayEvents);
        record(metrics, level, 'replayEventsPerSec', replays);
        // The fastest replay of each store: what a replay costs when no other process pre-empts it.
        record(metrics, level, 'bestReplayEventsPerSec', replays, (rates) => Math.max(...rates));

        const child = await runChild([
          factory.name,
          grown.location,
          String(stored),
          String(scale.readAllBatchSize),
          String(scale.w7SeedBatch),
          storage.dataDir,
          storage.postgresUrl,
        ]);
        verify(
          child.events === stored,
          `W8 read-all at ${level} read ${child.events} events, expected ${stored}`,
        );
        metrics[at('readAllEventsPerSec')] = perSecond(child.events, child.readMs);
        metrics[at('peakRssMb')] = child.peakRssMb;
        metrics[at('rssGrowthMb')] = child.rssDuringReadMb - child.rssBeforeReadMb;

        const bytes = await factory.storageBytes(grown.location);
        metrics[at('storageMb')] = bytes / 1024 / 1024;
        metrics[at('bytesPerEvent')] = (bytes - emptyBytes) / stored;
        progress(
          `level ${level}: ${JSON.stringify(Object.fromEntries(Object.entries(metrics).filter(([k]) => k.endsWith(`@${level}`))))}`,
        );
      }
    } finally {
      await Promise.all(stores.map((subject) => subject.close()));
    }
    return metrics;
  },
  finish: async () => {},
};
