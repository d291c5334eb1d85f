import type { Scale } from '../scale';
import type { SubjectFactory } from '../subject';
import type { StorageSettings } from '../subjects/index';

import type { WorkloadId } from '../workload-ids';

/** The figures one round yields, by metric name (e.g. `eventsPerSec`, `p50Ms`). */
export type Metrics = Record<string, number>;

/** What a workload's round needs besides its target. */
export interface RoundContext {
  readonly scale: Scale;
  /** A label unique to this round, for stream ids. */
  readonly label: string;
  /** Where storage lives (W7's child reopens it). */
  readonly storage: StorageSettings;
}

/**
 * One workload. `prepare` builds what every round of a target shares (W5/W6 seed a store once and
 * read it many times); `round` runs and times one round, verifying what it wrote or read, and throws
 * when the result is wrong.
 */
export interface Workload<Prepared = unknown> {
  readonly id: WorkloadId;
  readonly title: string;
  /** Whether rounds of every target interleave (round 1 of each target, then round 2, …). */
  readonly interleaved: boolean;
  /** Whether it runs one round and no warm-up (a round seeds a large store or spawns a child). */
  readonly oneRound?: boolean;
  /** Whether the runner's discarded warm-up round runs first (default: when the scale asks; W15 warms up itself). */
  readonly warmUp?: boolean;
  /**
   * Set when each round also measures the workload's own hand-written baseline (W12–W15: a
   * projector, or the broker's client in a loop, on the same driver): maps each metric the runner
   * reports for the adapter's raw target to the adapter's metric that holds the baseline's figure.
   * The table's raw column and adapter/raw ratio then read as for W1–W6.
   */
  readonly pairedBaseline?: Readonly<Record<string, string>>;
  /** Whether it runs on this target at all (default: every target). */
  appliesTo?(factory: SubjectFactory): boolean;
  /** Why it cannot run on this machine (a broker unreachable), or undefined when it can. */
  unavailable?(): Promise<string | undefined>;
  prepare(factory: SubjectFactory, scale: Scale): Promise<Prepared>;
  round(factory: SubjectFactory, prepared: Prepared, context: RoundContext): Promise<Metrics>;
  finish(prepared: Prepared): Promise<void>;
}

/** Throws when a workload's result is wrong: the bench never reports a figure for a wrong answer. */
export function verify(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`verification failed: ${message}`);
}
