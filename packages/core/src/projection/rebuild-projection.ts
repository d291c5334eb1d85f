import { InvalidArgumentError } from '../errors';
import { assertPositiveInteger } from '../validation/arguments';
import { applyEvents, switchToVersion } from './apply-events';
import type { AnyProjectionDefinition, RebuildProgress } from './projection-contract';
import type { ProjectableEventStore } from './projection-storage';
import {
  assertDefinition,
  assertNotRetired,
  assertProjectable,
  projectionFilter,
  projectionProcessorId,
  registerVersion,
} from './projection-versions';

/** Options of {@link rebuildProjection}. */
export interface RebuildOptions {
  /** Called after every batch (the CLI draws it as a progress bar). */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Keep the older versions' documents (retired) instead of dropping them after the switch. Default `false`. */
  readonly keepOldVersions?: boolean;
  /** Events per batch (one transaction each). Default `500`. */
  readonly batchSize?: number;
  /** Aborting it stops the rebuild after the batch in hand; a later call resumes from there. */
  readonly signal?: AbortSignal;
}

/** What {@link rebuildProjection} did. */
export interface RebuildResult {
  /** Whether this call switched readers to the version (`false`: it was active already, or the signal stopped it). */
  readonly switched: boolean;
  /** Positions examined by this call. */
  readonly done: bigint;
}

/**
 * Builds `definition`'s version side by side from the start of the log (or from where a crashed or
 * stopped rebuild left off — its checkpoint is saved with each batch's documents), while the active
 * version keeps serving reads and appends; then switches atomically: the last events are applied and
 * the version becomes active in one transaction that appends with inline projections wait for, so
 * none falls between "caught up" and "switched". Older versions' documents are then dropped (kept
 * with `keepOldVersions`).
 *
 * For an inline projection, register both versions on the store while rebuilding (the old one keeps
 * serving fresh reads; the new one is left alone until the switch). For an async one,
 * `startProjection` with the new version does the same by itself; this is its foreground form.
 *
 * @throws InvalidArgumentError on bad arguments, or a retired version
 */
export async function rebuildProjection(
  store: ProjectableEventStore,
  definition: AnyProjectionDefinition,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  assertProjectable(store);
  assertDefinition(definition);
  const { onProgress, keepOldVersions = false, batchSize = 500, signal } = options;
  assertPositiveInteger(batchSize, 'options.batchSize');
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new InvalidArgumentError('options.onProgress', 'must be a function');
  }
  const id = projectionProcessorId(definition);
  const status = await store.projections.transaction((tx) => registerVersion(definition, tx));
  assertNotRetired(definition, status);
  if (status === 'active') return { switched: false, done: 0n };

  let checkpoint = (await store.checkpoints.load(id))?.position;
  const start = checkpoint ?? 0n;
  const began = Date.now();
  let total: bigint | undefined;
  const report = (through: bigint, head: bigint) => {
    total = total === undefined || head - start > total ? head - start : total;
    const done = through - start;
    const seconds = (Date.now() - began) / 1000;
    const rate = seconds > 0 ? Number(done) / seconds : 0;
    const etaSeconds = rate > 0 ? Number(total - done) / rate : undefined;
    onProgress?.({ done, total, rate, etaSeconds });
  };

  const batches = store.subscribe({
    from: start,
    filter: projectionFilter(definition),
    batchSize,
    live: false,
    ...(signal === undefined ? {} : { signal }),
  });
  for await (const batch of batches) {
    const expected = checkpoint;
    await store.projections.transaction(async (tx) => {
      await tx.saveCheckpoint(id, batch.through, { expected });
      await applyEvents(definition, tx, batch.events);
    });
    checkpoint = batch.through;
    report(batch.through, batch.head);
  }
  if (signal?.aborted) return { switched: false, done: (checkpoint ?? 0n) - start };

  // The switch: exclusive of inline appends, so the events read here are the last ones before it.
  await store.projections.transaction(
    async (tx) => {
      const rest = [];
      for await (const event of store.readAll({
        fromPosition: checkpoint ?? 0n,
        ...projectionFilter(definition),
      })) {
        rest.push(event);
      }
      const last = rest.at(-1)?.position;
      if (last !== undefined) {
        await tx.saveCheckpoint(id, last, { expected: checkpoint });
        await applyEvents(definition, tx, rest);
        checkpoint = last;
      }
      await switchToVersion(definition, tx, keepOldVersions);
    },
    { exclusive: true },
  );
  return { switched: true, done: (checkpoint ?? 0n) - start };
}
