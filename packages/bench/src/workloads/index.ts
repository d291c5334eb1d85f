import type { WorkloadId } from '../workload-ids';
import { w1Sequential, w2Batched, w3Concurrent, w4Contended } from './appends';
import { w7Memory } from './memory';
import { w5AggregateLoad, w6ReadAll } from './reads';
import type { Workload } from './workload';

/** Every workload by id, in run order. */
export const WORKLOADS: Record<WorkloadId, Workload> = {
  W1: w1Sequential as Workload,
  W2: w2Batched as Workload,
  W3: w3Concurrent as Workload,
  W4: w4Contended as Workload,
  W5: w5AggregateLoad as Workload,
  W6: w6ReadAll as Workload,
  W7: w7Memory as Workload,
};
