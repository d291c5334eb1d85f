import { InvalidArgumentError } from '../errors';
import { assertPosition } from '../validation/arguments';

/**
 * The checkpoint saves of one turn of a processor with `checkpoint: 'as-completed'`. Its handler
 * reports positions as their work completes (a relay: as the broker confirms), and the saves run
 * beside the handling instead of between batches: at most one at a time, always of the newest
 * position reported, each started in a later turn of the event loop so that the callbacks that
 * reported it (a burst of broker confirms, which refill the publish window) run first. The stored
 * checkpoint therefore lags the completed work by at most the save in progress.
 */
export interface CompletionCheckpoints {
  /** The handler's `context.complete`. */
  complete(position: bigint): void;
  /** A batch up to `through` is about to be handed: `complete` accepts positions up to it. */
  handing(through: bigint): void;
  /** Aborted when a save failed: the turn ends, and {@link finish} rethrows the error. */
  readonly failed: AbortSignal;
  /**
   * Awaits `settle` (once) and stops accepting reports; then, when `flush`, awaits the saves until the
   * newest reported position is stored (otherwise only the save under way). Rethrows a failed save's
   * error.
   */
  finish(settle: (() => Promise<void>) | undefined, flush: boolean): Promise<void>;
}

export function createCompletionCheckpoints(
  processorId: string,
  save: (position: bigint) => Promise<void>,
): CompletionCheckpoints {
  let handed: bigint | undefined;
  let reported: bigint | undefined;
  let wanted: bigint | undefined;
  let saving: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  let finished = false;
  let settled: Promise<void> | undefined;
  const failed = new AbortController();

  const saveNewest = async () => {
    // Let the rest of this turn of the event loop run first: the confirms that arrived with this
    // report refill the window before a save (a synchronous fsync on SQLite) holds the loop.
    await new Promise((resolve) => setImmediate(resolve));
    while (wanted !== undefined && failure === undefined) {
      const position = wanted;
      wanted = undefined;
      try {
        await save(position);
      } catch (error) {
        failure = { error };
        failed.abort();
      }
    }
    saving = undefined;
  };

  return {
    complete(position: bigint): void {
      assertPosition(position, 'position');
      if (handed === undefined || position > handed) {
        throw new InvalidArgumentError(
          'position',
          `${processorId}: complete(${position}) is past the last batch handed (through ${handed ?? 'none'}); checkpointing it would skip events`,
        );
      }
      if (finished || failure !== undefined || (reported !== undefined && position <= reported)) return;
      reported = position;
      wanted = position;
      saving ??= saveNewest();
    },
    handing(through: bigint): void {
      if (handed === undefined || through > handed) handed = through;
    },
    failed: failed.signal,
    async finish(settle, flush) {
      settled ??= (settle?.() ?? Promise.resolve()).catch(() => undefined);
      await settled;
      finished = true;
      // Without flushing, only the save already under way finishes (a later turn must not race it).
      if (!flush) wanted = undefined;
      while (saving !== undefined) await saving;
      if (failure !== undefined) throw failure.error;
    },
  };
}

/** `context.complete` of a processor whose checkpoint is not `'as-completed'`. */
export function completeNotAvailable(): never {
  throw new InvalidArgumentError(
    'context.complete',
    "is only for processors with checkpoint: 'as-completed'",
  );
}
