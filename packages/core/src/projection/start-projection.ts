import { InvalidArgumentError } from '../errors';
import type { Processor, ProcessorCommonOptions } from '../processor/processor-contract';
import { startProcessor } from '../processor/start-processor';
import { applyEvents, switchToVersion } from './apply-events';
import type { AnyProjectionDefinition } from './projection-contract';
import type { ProjectableEventStore } from './projection-storage';
import {
  assertDefinition,
  assertNotRetired,
  assertProjectable,
  projectionFilter,
  projectionProcessorId,
  registerVersion,
} from './projection-versions';

/** Options of {@link startProjection}: a processor's, without its id and filter (the projection gives them). */
export interface ProjectionProcessorOptions
  extends Pick<ProcessorCommonOptions, 'startFrom' | 'batchSize' | 'retry' | 'leaseTtlMs' | 'signal'> {
  /** After switching to this version, keep the older versions' documents (retired) instead of dropping them. Default `false`. */
  readonly keepOldVersions?: boolean;
}

/**
 * Runs a projection **async**: a processor (id `projection:<name>@<version>`, one active instance
 * across processes) that applies each batch of events and saves its checkpoint **in the same
 * transaction** as the documents the batch wrote — so every event takes effect exactly once, across
 * crashes, retries and failovers (C8).
 *
 * A new version beside an active one is built side by side from the start of the log while the
 * old one keeps serving reads; once it catches up it becomes the active version in the transaction
 * of that batch, and the old versions' documents are dropped (kept with `keepOldVersions`). A
 * processor stopped or killed mid-build resumes from its checkpoint.
 *
 * @throws InvalidArgumentError when the store has no projections, the definition is not one, or an option is bad
 *
 * @example
 * ```ts
 * const processor = startProjection(store, statements);
 * await processor.whenProcessed(lastPosition);
 * const lines = await readDocuments<StatementLine>(store, 'statements', 'lines').find({ account: 'acc-1' });
 * ```
 */
export function startProjection(
  store: ProjectableEventStore,
  definition: AnyProjectionDefinition,
  options: ProjectionProcessorOptions = {},
): Processor {
  assertProjectable(store);
  assertDefinition(definition);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'must be an object');
  }
  const { keepOldVersions = false, ...processorOptions } = options;
  if (typeof keepOldVersions !== 'boolean') {
    throw new InvalidArgumentError('options.keepOldVersions', 'must be a boolean');
  }
  const id = projectionProcessorId(definition);
  return startProcessor(store, {
    ...processorOptions,
    id,
    filter: projectionFilter(definition),
    checkpoint: 'by-handler',
    handleBatch: (batch, context) =>
      store.projections.transaction(async (tx) => {
        // The compare-and-set first: a deposed instance fails here, before any handler runs.
        await tx.saveCheckpoint(id, batch.through, { expected: context.checkpoint, lease: context.lease });
        const status = await registerVersion(definition, tx);
        assertNotRetired(definition, status);
        await applyEvents(definition, tx, batch.events);
        if (status === 'building' && batch.caughtUp) await switchToVersion(definition, tx, keepOldVersions);
      }),
  });
}
