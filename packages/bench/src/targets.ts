import type { Driver } from './subject';
import type { WorkloadId } from './workload-ids';

/**
 * The ratio adapter / raw baseline each workload's headline figure should reach (medians, same run):
 * issue 8's for W1–W6; issue 14's for the projections (W12, W13) and issue 15's for the relays (W14,
 * W15), whose raw baseline is their hand-written projector or publishing loop on the same driver.
 * Reported, never asserted: timing is too noisy on shared machines for a gate.
 */
export const RATIO_TARGETS: Partial<Record<Driver, Partial<Record<WorkloadId, number>>>> = {
  postgres: { W1: 1.0, W2: 1.0, W3: 1.0, W4: 1.0, W5: 0.7, W6: 0.7, W12: 0.8, W13: 0.8 },
  sqlite: { W1: 0.9, W2: 0.7, W3: 0.8, W4: 0.8, W5: 0.7, W6: 0.7, W12: 0.8, W13: 0.8, W14: 0.8, W15: 0.8 },
};

/**
 * The targets of issue 18 against the floor baseline (the least an event store can be on the
 * driver): the ratio adapter / floor of each workload's headline figure, medians, same run.
 */
export const FLOOR_TARGETS: Partial<Record<Driver, Partial<Record<WorkloadId, number>>>> = {
  postgres: { W2: 0.9, W5: 0.7, W6: 0.7 },
  sqlite: { W2: 0.5, W4: 0.7, W5: 0.7, W6: 0.7 },
};

/** W7: peak RSS of the child reading 1,000,000 events, in MB, must stay below this. */
export const PEAK_RSS_LIMIT_MB = 150;

/** W5: loading from a snapshot must be at least this many times faster than a full replay. */
export const SNAPSHOT_SPEEDUP_TARGET = 20;

/** W8: at the largest level, append and replay rates must stay at least this share of the empty store's. */
export const GROWTH_RATE_TARGET = 0.8;

/** W8: RSS growth while reading the whole store at the largest level must stay within this, in MB. */
export const GROWTH_RSS_LIMIT_MB = 50;

/** W9 (issue 13): a subscription's catch-up rate must reach this share of the same adapter's read-all. */
export const CATCH_UP_TARGET = 0.8;

/**
 * W10 (issue 13): append-to-handler latency bounds, in ms, per driver (the writers in another
 * process): PostgreSQL with NOTIFY, SQLite through `data_version` polling. Checked for 1 and 8 writers.
 */
export const LIVE_LATENCY_LIMITS_MS: Partial<
  Record<Driver, { readonly p50: number; readonly p99?: number }>
> = {
  postgres: { p50: 5, p99: 50 },
  sqlite: { p50: 20 },
};

/** W11 (issue 13, C4): RSS growth of a slow processor over its backlog must stay within this, in MB. */
export const SLOW_CONSUMER_RSS_LIMIT_MB = 50;

/** W16 (the inspection): `verify` must reach this share of the adapter's read-all rate, same run. */
export const VERIFY_TARGET = 0.5;

/** W16: a page of 50 streams, wherever it starts in the order, must come back within this, in ms. */
export const STREAM_PAGE_LIMIT_MS = 200;
