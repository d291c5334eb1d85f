/** The workloads, in the order they run. */
export const WORKLOAD_IDS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7'] as const;
/** One of {@link WORKLOAD_IDS}. */
export type WorkloadId = (typeof WORKLOAD_IDS)[number];
