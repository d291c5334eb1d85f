import { randomUUID } from 'node:crypto';
import type { HorizonHolder, Lease, SubscribableEventStore } from '../contract/consuming';
import { isCheckpointConflictError, isStoreUnavailableError } from '../errors';
import { instrumentProcessor } from '../observability/processor-telemetry';
import { completeNotAvailable, createCompletionCheckpoints } from './completion-checkpoints';
import { asError, handleWithRetries, interrupted } from './handle-with-retries';
import type { Processor, ProcessorOptions, ProcessorState, ProcessorStatus } from './processor-contract';
import { resolveProcessorOptions } from './processor-options';
import { createProgressWaiters } from './progress-waiters';

/** How one turn as the active instance ended. */
type TurnEnd = 'stopped' | 'closed' | 'deposed' | 'failed';

/** The longest pause before retrying after a retriable store error, in ms. */
const MAX_ERROR_BACKOFF_MS = 5_000;

/**
 * Starts a processor: one handler per id across processes, resuming from its checkpoint.
 *
 * It claims the id's lease (a standby instance retries the claim every quarter of `leaseTtlMs` and
 * takes over once the holder's lease expires), loads the checkpoint (`startFrom` applies only when
 * there is none), then follows `store.subscribe()` and handles each event in order with per-event
 * retries. After each batch — also a batch of filtered-out positions — it saves the checkpoint by
 * compare-and-set under its lease: a deposed instance's save fails with `CheckpointConflictError`, and
 * it stops handling and returns to standby (C6, C7). The lease is renewed in the background.
 *
 * When an event fails every attempt, `onFailure: 'stop'` checkpoints what was handled before it and
 * ends in state `'failed'` with the error in `status().lastError`; `'park'` stores the event with its
 * error (see `checkpoints.listParked`, `replayParked`) and goes on (C9).
 *
 * Delivery is at-least-once: a crash between handling and checkpointing hands the same events again
 * on restart, never skips one (C8). Bad options throw `InvalidArgumentError` before anything starts.
 *
 * @example
 * ```ts
 * const processor = startProcessor(store, {
 *   id: 'order-emails',
 *   filter: { eventTypes: ['OrderConfirmed'] },
 *   onFailure: 'park',
 *   async handle(event) {
 *     await mailer.send({ idempotencyKey: event.eventId, to: event.aggregateId });
 *   },
 * });
 * await processor.whenProcessed(lastPosition);
 * await processor.stop();
 * ```
 */
export function startProcessor(store: SubscribableEventStore, options: ProcessorOptions): Processor {
  const { options: o, follow } = instrumentProcessor(resolveProcessorOptions(store, options));
  const owner = `${o.id.slice(0, 120)}@${process.pid}:${randomUUID()}`;
  let state: ProcessorState = 'starting';
  let checkpoint: bigint | undefined;
  let head: bigint | undefined;
  let stalledBy: HorizonHolder | undefined;
  let lastError: Error | undefined;
  let parked = 0;
  const stopping = new AbortController();
  const waiters = createProgressWaiters(o.id, () => checkpoint);
  const seeCheckpoint = (position: bigint | undefined) => {
    checkpoint = position;
    if (position !== undefined) waiters.advanced(position);
  };

  const onSignal = () => stopping.abort();
  o.signal?.addEventListener('abort', onSignal, { once: true });
  if (o.signal?.aborted) stopping.abort();

  const running = (async () => {
    let backoff = 0;
    while (!stopping.signal.aborted) {
      try {
        const lease = await store.checkpoints.claim(o.id, owner, o.leaseTtlMs);
        if (lease === undefined) {
          state = 'standby';
          // A standby keeps its view of the checkpoint fresh, so status() and whenProcessed() follow the active one.
          seeCheckpoint((await store.checkpoints.load(o.id))?.position);
          await interrupted(Math.max(10, Math.floor(o.leaseTtlMs / 4)), stopping.signal);
          continue;
        }
        const end = await turn(lease);
        if (end === 'stopped' || end === 'closed') return 'stopped';
        if (end === 'failed') return 'failed';
        // Deposed: pause before claiming again, growing while it repeats, so a checkpoint that keeps
        // conflicting (an operator's reset, a handler saving a stale position) cannot spin the loop.
        backoff = Math.min(MAX_ERROR_BACKOFF_MS, Math.max(50, backoff * 2));
        await interrupted(backoff, stopping.signal);
      } catch (error) {
        lastError = asError(error);
        if (isStoreUnavailableError(error) && error.closed) return 'stopped';
        if (!isStoreUnavailableError(error) || !error.retriable) return 'failed';
        backoff = Math.min(MAX_ERROR_BACKOFF_MS, Math.max(50, backoff * 2));
        await interrupted(backoff, stopping.signal);
      }
    }
    return 'stopped';
  })().then((end: 'stopped' | 'failed') => {
    state = end;
    o.signal?.removeEventListener('abort', onSignal);
    waiters.end(end);
  });

  /** One turn as the active instance, under `lease`, until stopped, deposed, failed or closed. */
  async function turn(lease: Lease): Promise<TurnEnd> {
    const deposed = new AbortController();
    const keeper = keepLease(store, lease, o.leaseTtlMs, deposed);
    let saved: bigint | undefined;
    const save = async (position: bigint) => {
      if (saved !== undefined && position <= saved) return;
      await store.checkpoints.save(o.id, position, { expected: saved, lease: keeper.current() });
      saved = position;
      seeCheckpoint(position);
    };
    const completion = o.checkpointBy === 'completion' ? createCompletionCheckpoints(o.id, save) : undefined;
    try {
      const end = await followLog();
      // The handler's outstanding work settles and what it completed is saved before the lease goes.
      await completion?.finish(o.settle, end !== 'deposed');
      return end;
    } catch (error) {
      await completion?.finish(o.settle, false).catch(() => undefined);
      if (isCheckpointConflictError(error)) {
        lastError = error;
        state = 'standby';
        return 'deposed';
      }
      throw error;
    } finally {
      await keeper.stop();
      if (!deposed.signal.aborted) await store.checkpoints.release(keeper.current()).catch(() => undefined);
    }

    /** Follows the log from the checkpoint, handling each batch, until the turn ends. */
    async function followLog(): Promise<TurnEnd> {
      state = 'catching-up';
      parked = (await store.checkpoints.listParked(o.id)).length;
      saved = (await store.checkpoints.load(o.id))?.position;
      seeCheckpoint(saved);
      const ended = anySignal(
        stopping.signal,
        deposed.signal,
        ...(completion === undefined ? [] : [completion.failed]),
      );
      const batches = store.subscribe({
        from: saved ?? o.startFrom,
        filter: o.filter,
        batchSize: o.batchSize,
        signal: ended,
      });
      for await (const batch of follow(batches)) {
        head = batch.head;
        stalledBy = batch.stalledBy;
        // A batch that only reports a stall (C11) carries nothing to handle: no checkpoint is written
        // for it (a later batch saves whatever `through` it passed).
        if (stalledBy !== undefined && batch.events.length === 0) continue;
        if (o.handleBatch !== undefined) {
          const handleBatch = o.handleBatch;
          const expected = saved;
          completion?.handing(batch.through);
          const outcome = await handleWithRetries(
            (attempt) =>
              handleBatch(
                { events: batch.events, through: batch.through, caughtUp: batch.caughtUp },
                {
                  attempt,
                  signal: deposed.signal,
                  lease: keeper.current(),
                  checkpoint: expected,
                  complete: completion?.complete ?? completeNotAvailable,
                },
              ),
            o,
            ended,
          );
          if (outcome.kind === 'failed') {
            lastError = outcome.error;
            return 'failed';
          }
          if (deposed.signal.aborted) return 'deposed';
          if (outcome.kind === 'abandoned') break;
          state = batch.caughtUp ? 'live' : 'catching-up';
          if (o.checkpointBy === 'handler') {
            // The handler stored `through` in its own transaction; only our view of it moves here.
            saved = batch.through;
            seeCheckpoint(batch.through);
          } else if (o.checkpointBy === 'processor') {
            await save(batch.through);
          }
          // 'completion': the handler reports what completed, and `completion` saves it meanwhile.
          if (ended.aborted) break;
          continue;
        }
        let handledThrough = saved ?? 0n;
        let complete = true;
        for (const event of batch.events) {
          if (ended.aborted) {
            complete = false;
            break;
          }
          const handle = o.handle!;
          const outcome = await handleWithRetries(
            (attempt) => handle(event, { attempt, signal: deposed.signal }),
            o,
            ended,
          );
          if (outcome.kind === 'abandoned') {
            complete = false;
            break;
          }
          if (outcome.kind === 'failed') {
            lastError = outcome.error;
            if (o.onFailure === 'stop') {
              await save(handledThrough);
              return 'failed';
            }
            await store.checkpoints.park(o.id, {
              position: event.position,
              eventId: event.eventId,
              eventType: event.eventType,
              error: outcome.error.message,
              attempts: outcome.attempts,
            });
            parked++;
          }
          handledThrough = event.position;
        }
        if (deposed.signal.aborted) return 'deposed';
        if (complete) state = batch.caughtUp ? 'live' : 'catching-up';
        await save(complete ? batch.through : handledThrough);
        if (ended.aborted) break;
      }
      if (deposed.signal.aborted) return 'deposed';
      // The subscription ends by itself only when the store closed (a live subscription never runs
      // out) — or, with 'as-completed', when a background save failed (`finish` rethrows it).
      return stopping.signal.aborted ? 'stopped' : 'closed';
    }
  }

  return {
    id: o.id,
    status(): ProcessorStatus {
      const lag =
        head !== undefined && checkpoint !== undefined
          ? head > checkpoint
            ? head - checkpoint
            : 0n
          : undefined;
      const status = { state, checkpoint, head, lag, lastError, parked, owner };
      return stalledBy === undefined ? status : { ...status, stalledBy };
    },
    whenProcessed: (position, options) => waiters.wait(position, options),
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

/**
 * Renews `lease` every third of its time-to-live until stopped. When a renewal says the lease is
 * lost, aborts `deposed`: the handler's signal fires and the turn ends before the next save.
 */
function keepLease(store: SubscribableEventStore, lease: Lease, ttlMs: number, deposed: AbortController) {
  let current = lease;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = (async () => {
        try {
          const renewed = await store.checkpoints.renew(current, ttlMs);
          if (renewed === undefined) deposed.abort();
          else current = renewed;
        } catch {
          // A failed renewal is retried on the next tick; the fencing token guards the saves meanwhile.
        }
      })();
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  return {
    current: () => current,
    async stop() {
      clearInterval(timer);
      await renewing;
    },
  };
}

/** Aborted when any of `signals` aborts (`AbortSignal.any` needs Node 20.3; the kit supports every Node 20). */
function anySignal(...signals: AbortSignal[]): AbortSignal {
  const any = new AbortController();
  const abort = () => any.abort();
  for (const signal of signals) {
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
  }
  return any.signal;
}
