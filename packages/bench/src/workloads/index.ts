import { WORKLOAD, type WorkloadId } from '../workload-ids';
import { batchedAppends, concurrentWriters, contendedStream, sequentialAppends } from './appends';
import { subscriptionCatchUp } from './catch-up';
import { logGrowth } from './growth';
import { inspection } from './inspection';
import { liveDelivery } from './live-delivery';
import { readAllMemory } from './memory';
import { projectionCatchUp, projectionRebuild } from './projections';
import { aggregateLoad, readAll } from './reads';
import { natsRelay, rabbitMqRelay } from './relays';
import { slowConsumerMemory } from './slow-consumer';
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
  [WORKLOAD.subscriptionCatchUp]: subscriptionCatchUp as Workload,
  [WORKLOAD.liveDelivery]: liveDelivery as Workload,
  [WORKLOAD.slowConsumerMemory]: slowConsumerMemory as Workload,
  [WORKLOAD.projectionCatchUp]: projectionCatchUp as Workload,
  [WORKLOAD.projectionRebuild]: projectionRebuild as Workload,
  [WORKLOAD.natsRelay]: natsRelay as Workload,
  [WORKLOAD.rabbitMqRelay]: rabbitMqRelay as Workload,
  [WORKLOAD.inspection]: inspection as Workload,
};
