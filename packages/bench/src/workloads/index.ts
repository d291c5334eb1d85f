import { WORKLOAD, type WorkloadId } from '../workload-ids';
import { batchedAppends, concurrentWriters, contendedStream, sequentialAppends } from './appends';
import { logGrowth } from './growth';
import { readAllMemory } from './memory';
import { aggregateLoad, readAll } from './reads';
import type { Workload } from './workload';

/** Every workload by id, in run order. */
export const WORKLOADS: Record<WorkloadId, Workload> = {
  [WORKLOAD.sequentialAppends]: sequentialAppends as Workload,
  [WORKLOAD.batchedAppends]: batchedAppends as Workload,
  [WORKLOAD.concurrentWriters]: concurrentWriters as Workload,
  [WORKLOAD.contendedStream]: contendedStream as Workload,
  [WORKLOAD.aggregateLoad]: aggregateLoad as Workload,
  [WORKLOAD.readAll]: readAll as Workload,
  [WORKLOAD.readAllMemory]: readAllMemory as Workload,
  [WORKLOAD.logGrowth]: logGrowth as Workload,
};
