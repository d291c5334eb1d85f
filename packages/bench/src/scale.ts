/** How big each workload is. `FULL` is what docs/performance.md reports; `QUICK` is CI's smoke test. */
export interface Scale {
  /** Measured rounds per workload (each figure is their median). */
  readonly rounds: number;
  /** Whether a discarded warm-up round runs first (JIT, connection pools, page cache). */
  readonly warmUp: boolean;
  /** W1: sequential single-event appends per round, over `w1Streams` streams. */
  readonly w1Appends: number;
  readonly w1Streams: number;
  /** W2: appends of `w2BatchSize` events, each to a new stream. */
  readonly w2Appends: number;
  readonly w2BatchSize: number;
  /** W3: concurrent writers, each appending `w3AppendsPerWriter` single events to its own stream. */
  readonly w3Writers: number;
  readonly w3AppendsPerWriter: number;
  /** W4: writers contending on one stream until it holds `w4Events` events. */
  readonly w4Writers: number;
  readonly w4Events: number;
  /** W5: events in the aggregate's stream; the snapshot is taken `w5Tail` events before its end. */
  readonly w5Events: number;
  readonly w5Tail: number;
  /** W5: loads per round of each kind (replay, snapshot); a round's figure is their median. */
  readonly w5LoadsPerRound: number;
  /** W6: events in the store, in streams of `w6StreamLength`, read in pages of `readAllBatchSize`. */
  readonly w6Events: number;
  readonly w6StreamLength: number;
  readonly readAllBatchSize: number;
  /** W7: events read by the child process; seeded in appends of `w7SeedBatch` events. */
  readonly w7Events: number;
  readonly w7SeedBatch: number;
  /**
   * W8: the levels (events already stored) at which the log-growth figures are taken, in order;
   * the store is seeded up to each in appends of `w7SeedBatch`. 1M and 10M only on request
   * (`--growth-max`), never in CI.
   */
  readonly growthLevels: readonly number[];
  /** W8: appends of `growthAppendBatch` events (each to a new stream) timed at each level. */
  readonly growthAppends: number;
  readonly growthAppendBatch: number;
  /** W8: events of the stream replayed at each level (written first, so it ages with the log). */
  readonly growthReplayEvents: number;
  /**
   * W10: probes per writer count, shared by the writers; together they append one about every
   * `w10IntervalMs` (each writer pauses `writers` times as long before each of its appends).
   */
  readonly w10Probes: number;
  readonly w10IntervalMs: number;
  /**
   * W11: the backlog a slow processor works through, seeded in appends of `w7SeedBatch`; its handler
   * pauses `w11PauseMs` every `w11PauseEvery` events.
   */
  readonly w11Events: number;
  readonly w11PauseEvery: number;
  readonly w11PauseMs: number;
  /**
   * W12, W13: deposits over 100 accounts, seeded afresh for every round of a projection. The full run
   * uses issue 14's size (a rebuild of 100k events): at 20k the baseline's whole catch-up took ~30 ms,
   * so the projection's fixed start-up and hand-over costs weighed more than its per-event path.
   */
  readonly projectionEvents: number;
  /**
   * W14, W15: events a relay publishes from a SQLite store (and its baseline publishes) per round,
   * and events appended one at a time per round for the append → consumer latency.
   */
  readonly relayEvents: number;
  readonly relayLatencyEvents: number;
  /** W16: the SQLite log the inspection reads (one round: seeding 1M events takes a while). */
  readonly inspectionStreams: number;
  readonly inspectionEventsPerStream: number;
}

export const FULL: Scale = {
  rounds: 5,
  warmUp: true,
  w1Appends: 1000,
  w1Streams: 10,
  w2Appends: 200,
  w2BatchSize: 100,
  w3Writers: 8,
  w3AppendsPerWriter: 250,
  w4Writers: 8,
  w4Events: 500,
  w5Events: 10_000,
  w5Tail: 50,
  w5LoadsPerRound: 3,
  w6Events: 100_000,
  w6StreamLength: 100,
  readAllBatchSize: 1000,
  w7Events: 1_000_000,
  w7SeedBatch: 5000,
  growthLevels: [0, 100_000],
  growthAppends: 200,
  growthAppendBatch: 10,
  growthReplayEvents: 1000,
  w10Probes: 400,
  w10IntervalMs: 5,
  w11Events: 1_000_000,
  w11PauseEvery: 100,
  w11PauseMs: 1,
  projectionEvents: 100_000,
  relayEvents: 5000,
  relayLatencyEvents: 200,
  inspectionStreams: 100_000,
  inspectionEventsPerStream: 10,
};

export const QUICK: Scale = {
  rounds: 1,
  warmUp: false,
  w1Appends: 20,
  w1Streams: 4,
  w2Appends: 3,
  w2BatchSize: 100,
  w3Writers: 8,
  w3AppendsPerWriter: 5,
  w4Writers: 8,
  w4Events: 30,
  w5Events: 300,
  w5Tail: 20,
  w5LoadsPerRound: 1,
  w6Events: 2000,
  w6StreamLength: 100,
  readAllBatchSize: 150,
  w7Events: 5000,
  w7SeedBatch: 1000,
  // One level: the quick run proves W8's path and checks, not its growth (each level spawns a child).
  growthLevels: [0],
  growthAppends: 5,
  growthAppendBatch: 10,
  growthReplayEvents: 100,
  w10Probes: 16,
  w10IntervalMs: 2,
  w11Events: 3000,
  w11PauseEvery: 100,
  w11PauseMs: 1,
  projectionEvents: 1000,
  relayEvents: 200,
  relayLatencyEvents: 10,
  inspectionStreams: 200,
  inspectionEventsPerStream: 3,
};

/** The levels W8 measures with `--growth-max n`: 0, then 1M and 10M up to `n`, and `n` itself. */
export function growthLevelsUpTo(max: number): number[] {
  return [...new Set([0, ...[1_000_000, 10_000_000].filter((level) => level <= max), max])];
}
