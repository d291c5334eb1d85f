/**
 * Every workload's id, by what it measures: code says `WORKLOAD.aggregateLoad`, while reports and
 * stored results keep the short ids (`W5`) so runs stay comparable across versions.
 */
export const WORKLOAD = {
  /** Sequential single-event appends over a few streams. */
  sequentialAppends: 'W1',
  /** Appends of many events at once, each to a new stream. */
  batchedAppends: 'W2',
  /** Concurrent writers, each on its own stream. */
  concurrentWriters: 'W3',
  /** Writers contending on one stream, retrying conflicts. */
  contendedStream: 'W4',
  /** Loading an aggregate by full replay and from a snapshot. */
  aggregateLoad: 'W5',
  /** Reading the whole store with read-all in pages. */
  readAll: 'W6',
  /** Read-all of a large store in a child process, measuring its memory. */
  readAllMemory: 'W7',
  /** Append, replay and read-all rates, bytes per event and read-all RSS as the log grows. */
  logGrowth: 'W8',
  /** A subscription catching up over the W6 log, against the same adapter's read-all in the same round. */
  subscriptionCatchUp: 'W9',
  /** Latency from append to a processor's handler, with 1 and 8 writers (in another process where the store allows). */
  liveDelivery: 'W10',
  /** RSS of a child process whose processor works slowly through a large backlog (C4). */
  slowConsumerMemory: 'W11',
  /** A projection (`startProjection`) catching up a log of deposits, against a hand-written projector. */
  projectionCatchUp: 'W12',
  /** `rebuildProjection` of a new version over the same log, against the hand-written projector. */
  projectionRebuild: 'W13',
  /** The NATS JetStream relay publishing a stored backlog, against the same client in a loop; and its latency. */
  natsRelay: 'W14',
  /** The RabbitMQ relay publishing a stored backlog, against amqplib's confirm channel in a loop; and its latency. */
  rabbitMqRelay: 'W15',
  /** The CLI's and inspector's reads on a large SQLite log: stream pages and `verify` against read-all. */
  inspection: 'W16',
} as const;

/** The name of a workload (a key of {@link WORKLOAD}). */
export type WorkloadName = keyof typeof WORKLOAD;
/** The short id of a workload, as reports print it. */
export type WorkloadId = (typeof WORKLOAD)[WorkloadName];

/** The workloads, in the order they run. */
export const WORKLOAD_IDS: readonly WorkloadId[] = Object.values(WORKLOAD);

/** Each workload's name by id, for the report (`W5 aggregateLoad`). */
export const WORKLOAD_NAMES = Object.fromEntries(
  Object.entries(WORKLOAD).map(([name, id]) => [id, name]),
) as Record<WorkloadId, WorkloadName>;
