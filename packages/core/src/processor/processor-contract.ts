/**
 * The processor's contract: one handler per id across processes, checkpointed, leased, retried.
 * Names fixed by `docs/contract.md` ("Consuming", C6–C10).
 */
import type { EventFilter, HorizonHolder, Lease } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';

/** What a handler receives besides the event. */
export interface HandlerContext {
  /** 1 for the first try, 2 for the first retry, … up to `retry.maxAttempts`. */
  readonly attempt: number;
  /**
   * Aborted when this instance lost its lease (another instance took over): stop work and return.
   * Not aborted by `stop()`, which lets the event in hand finish.
   */
  readonly signal: AbortSignal;
}

/**
 * Retries of a throwing handler (per event with `handle`, per batch with `handleBatch`). Delays
 * double from `baseDelayMs` up to `maxDelayMs`.
 */
export interface ProcessorRetryOptions {
  /**
   * Attempts in all, the first included: a positive integer, or `Infinity` to retry until it
   * succeeds or the processor stops (a relay waiting out a broker outage). Default `3`.
   */
  readonly maxAttempts?: number;
  /** The wait before the first retry, in ms. Default `100`. */
  readonly baseDelayMs?: number;
  /** The longest wait between attempts, in ms. Default `5000`. */
  readonly maxDelayMs?: number;
}

/** What {@link BatchProcessorOptions.handleBatch} receives: one step of the log. */
export interface ProcessorBatch {
  /** The events matching the filter, in position order; may be empty (only filtered-out positions passed). */
  readonly events: readonly DomainEvent[];
  /** Every position `<= through` has been examined: the checkpoint to save for this batch (C2). */
  readonly through: bigint;
  /** The batch reached the head visible when it was read (a projection switches versions then). */
  readonly caughtUp: boolean;
}

/** What a batch handler receives besides the batch. */
export interface BatchHandlerContext extends HandlerContext {
  /**
   * The lease this instance holds now. A handler that saves the checkpoint itself
   * (`checkpoint: 'by-handler'`) passes it to the compare-and-set, so a deposed instance writes nothing.
   */
  readonly lease: Lease;
  /**
   * The checkpoint stored before this batch (`undefined`: none yet): the `expected` value of the
   * compare-and-set that moves it to `batch.through`.
   */
  readonly checkpoint: bigint | undefined;
  /**
   * With `checkpoint: 'as-completed'`: every event at or before `position` is done (a relay: the
   * broker confirmed it and everything before it), so the processor may checkpoint it. The processor
   * saves the newest position reported in the background; a position at or below one already
   * reported is ignored. Call it from anywhere, also after `handleBatch` returned.
   *
   * @throws InvalidArgumentError with another `checkpoint` setting, or for a position past the
   *   `through` of every batch handed so far (checkpointing it would skip events)
   */
  complete(position: bigint): void;
}

/** Options shared by both kinds of processor. */
export interface ProcessorCommonOptions {
  /** The checkpoint key; at most one instance per id handles events at a time, across processes (C7). */
  readonly id: string;
  /** Which events to handle; the checkpoint still advances past the others (C2). Default: all. */
  readonly filter?: EventFilter;
  /** Where to begin when no checkpoint exists yet (exclusive). Default `'start'`. */
  readonly startFrom?: 'start' | 'end' | bigint;
  /** Events per batch; the checkpoint is saved after each batch. Default `100`. */
  readonly batchSize?: number;
  /** Retries of a throwing handler. */
  readonly retry?: ProcessorRetryOptions;
  /**
   * How long a lease lasts without renewal, in ms (renewed every third of it). A standby takes over
   * within about this long after the active instance dies. Default `15000`.
   */
  readonly leaseTtlMs?: number;
  /** Aborting it stops the processor, as `stop()` does. */
  readonly signal?: AbortSignal;
}

/** A processor that handles one event at a time. */
export interface EventProcessorOptions extends ProcessorCommonOptions {
  /**
   * Handles one event. Delivery is at-least-once (C8): after a crash an event may come again, so make
   * it idempotent (key its effects on `event.eventId` or `event.position`).
   */
  handle(event: DomainEvent, context: HandlerContext): Promise<void> | void;
  /** Not with `handle`. */
  readonly handleBatch?: never;
  /** After the last attempt: `'stop'` (default; state `'failed'`) or `'park'` the event and go on. */
  readonly onFailure?: 'stop' | 'park';
  /** Not with `handle`: the processor saves the checkpoint. */
  readonly checkpoint?: never;
}

/**
 * A processor that handles a whole batch at a time: relays (publish a window of messages, then
 * checkpoint) and projections (write a batch's documents and the checkpoint in one transaction).
 */
export interface BatchProcessorOptions extends ProcessorCommonOptions {
  /**
   * Handles one batch (possibly empty). A throw retries the **whole** batch per `retry`; after the
   * last attempt the processor stops in state `'failed'` and the batch is not checkpointed.
   * Delivery is at-least-once unless the handler saves the checkpoint with its own effects
   * (`checkpoint: 'by-handler'`), which makes it exactly-once (C8).
   */
  handleBatch(batch: ProcessorBatch, context: BatchHandlerContext): Promise<void> | void;
  /** Not with `handleBatch`. */
  readonly handle?: never;
  /** Only `'stop'` (the default): a batch cannot be parked. */
  readonly onFailure?: 'stop';
  /**
   * Who saves the checkpoint after a batch:
   * - `'by-processor'` (default): the processor, once `handleBatch` resolves;
   * - `'by-handler'`: the handler itself, in the same transaction as its effects, by compare-and-set
   *   from `context.checkpoint` to `batch.through` under `context.lease`. When `handleBatch` resolves,
   *   the processor takes `batch.through` as stored. A `CheckpointConflictError` thrown by the handler
   *   means another instance took over: this one returns to standby.
   * - `'as-completed'`: the handler reports completed work with `context.complete(position)`, and
   *   `handleBatch` may resolve before its batch is done — the processor then hands it the next
   *   batch while the work of the previous one completes (a relay keeps publishing across batches).
   *   The processor saves the newest completed position beside the handling: at most one save at a
   *   time, never ahead of what was reported, so the stored checkpoint lags the completed work by at
   *   most the save in progress. When the turn ends (stop, lost lease, failure) it awaits `settle`,
   *   then saves the last completed position (unless the lease was lost) and releases the lease.
   */
  readonly checkpoint?: 'by-processor' | 'by-handler' | 'as-completed';
  /**
   * With `checkpoint: 'as-completed'`: resolves once the work `handleBatch` started has settled —
   * completed (and reported) or given up — so nothing is left running when this instance's turn
   * ends. Called once per turn, after the last `handleBatch` returned; `stop()` waits for it.
   * Default: nothing to wait for.
   */
  readonly settle?: () => Promise<void>;
}

/** Options of `startProcessor`: exactly one of `handle` ({@link EventProcessorOptions}) or `handleBatch` ({@link BatchProcessorOptions}). */
export type ProcessorOptions = EventProcessorOptions | BatchProcessorOptions;

/**
 * Where a processor is:
 * - `'starting'`: claiming its lease;
 * - `'standby'`: another instance holds the lease; this one retries the claim periodically;
 * - `'catching-up'`: handling a backlog;
 * - `'live'`: caught up, waiting for new events;
 * - `'stopped'`: `stop()`, the signal, or the store closing ended it;
 * - `'failed'`: a handler failed every attempt under `onFailure: 'stop'`, or the store failed for good.
 */
export type ProcessorState = 'starting' | 'standby' | 'catching-up' | 'live' | 'stopped' | 'failed';

/** A snapshot of a processor's progress, for operators and health checks. */
export interface ProcessorStatus {
  /** See {@link ProcessorState}. */
  readonly state: ProcessorState;
  /** The stored checkpoint as this instance last saw it (`undefined`: none yet). */
  readonly checkpoint: bigint | undefined;
  /** The newest position seen in the log (`undefined`: not read yet). */
  readonly head: bigint | undefined;
  /** `head - checkpoint`, in positions (0 when caught up); `undefined` until both are known. */
  readonly lag: bigint | undefined;
  /** The last error: a handler's (a non-`Error` thrown is wrapped, with it as `cause`), a conflict, a store failure. */
  readonly lastError: Error | undefined;
  /** How many events this processor id has parked (stored and not yet replayed). */
  readonly parked: number;
  /** This instance's lease owner id (unique per instance). */
  readonly owner: string;
  /**
   * The open transaction elsewhere that holds this processor back, while one does (C11, PostgreSQL):
   * the lag is not idleness, it is waiting for that session to commit or roll back.
   */
  readonly stalledBy?: HorizonHolder;
}

/** A running processor. */
export interface Processor {
  /** Its id (the checkpoint key). */
  readonly id: string;
  /** Its state and progress, now. */
  status(): ProcessorStatus;
  /**
   * Resolves once the checkpoint is `>= position` (C10): for tests and read-your-writes.
   *
   * @param options.timeoutMs - how long to wait, default `10000`
   * @throws ProcessingTimeoutError when the time runs out, or the processor stops or fails first
   */
  whenProcessed(position: bigint, options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Finishes the event in hand, saves the checkpoint, releases the lease. Safe to call twice. */
  stop(): Promise<void>;
}
