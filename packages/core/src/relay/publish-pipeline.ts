import type { DomainEvent } from '../contract/types';
import { isRelayConfigurationError } from '../errors';
import { interrupted } from '../processor/handle-with-retries';
import type { ProcessorBatch } from '../processor/processor-contract';
import type { RelayMessage } from './relay-contract';
import { toRelayMessage } from './relay-message';

/** Counters the relay's `status()` reads while the pipeline runs. */
export interface WindowCounters {
  inFlight: number;
  confirmed: number;
}

/** What a pipeline sends through, and whom it tells. */
export interface PipelineSettings {
  /** Most messages sent and not yet confirmed at once. */
  readonly window: number;
  /** Backoff between a failed run and its retry: doubling from `baseDelayMs` up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * While catching up, report completed batch ends at most once per this many ms (the newest at the
   * end of the interval); a batch that reached the head is reported at once. `0`: every batch end.
   */
  readonly checkpointIntervalMs: number;
  /** Sends one message; resolves on the broker's confirm. */
  publish(message: RelayMessage): Promise<void>;
  /**
   * Every event at or before `position` is confirmed (and every position up to it examined): called
   * in increasing order when the confirms complete a pushed batch (with its `through`; see
   * `checkpointIntervalMs`), and once by `close` with the end of the confirmed prefix.
   */
  completed(position: bigint): void;
  /**
   * A publish failed: the pipeline sends nothing more, lets the messages in flight settle, then
   * re-sends from the first unconfirmed message after its backoff — unless `fatal` (a
   * `RelayConfigurationError`: the broker refuses the message for its configuration, which a retry
   * cannot fix), when it sends nothing more until closed.
   */
  failed(error: unknown, fatal: boolean): void;
  readonly counters: WindowCounters;
}

/** A pushed batch's two milestones. */
export interface PushedBatch {
  /** Every event of the batch is sent (or the pipeline closed first): the next batch may be pushed. */
  readonly sent: Promise<void>;
  /** Every event of the batch (and before it) is confirmed; rejects if the pipeline closes first. */
  readonly confirmed: Promise<void>;
}

/** The publishing side of one relay turn (see {@link createPublishPipeline}). */
export interface PublishPipeline {
  /** Queues `batch` behind everything pushed before and sends what the window allows. */
  push(batch: ProcessorBatch): PushedBatch;
  /**
   * Stops sending (what is not sent stays unsent), waits for the messages in flight to be confirmed
   * or fail, then reports the confirmed prefix's end to `completed`. Safe to call twice.
   */
  close(): Promise<void>;
}

/** A queued event, or the end of a pushed batch. */
interface Slot {
  readonly event: DomainEvent | undefined;
  /** The event's position, or the batch's `through`. */
  readonly position: bigint;
  /** Confirmed by the broker (a batch end: always, it sends nothing). */
  confirmed: boolean;
  readonly end?: { readonly sent: Deferred; readonly confirmed: Deferred; readonly caughtUp: boolean };
}

/**
 * Publishes the events of successive batches in position order, with at most `window` messages
 * unconfirmed, **across batch boundaries**: a batch's messages enter the window while the previous
 * batch's confirms are still coming, so the broker never idles at a boundary. It reports progress to
 * `completed` only up to where every message is confirmed (never ahead), and retries failures itself,
 * with backoff, forever.
 *
 * Why one stream's events stay in version order on the broker although up to `window` are in flight:
 * the events arrive here in position order (a stream's versions are in position order in the log);
 * they are sent in that order over one connection, which the broker reads in order; after a failure
 * nothing more is sent, the messages in flight settle, and the retry restarts at the first
 * unconfirmed message, so nothing after a gap is ever sent before the gap is re-sent; and because a
 * reconnect can lose a message already written to the dead socket while later ones, still buffered
 * in the client, go out on the new connection, every message but a run's first names its predecessor
 * (`previousMessageId`) so a broker that can check it (JetStream) refuses the later ones instead of
 * storing them past the gap. The broker's deduplication on the event id drops the re-sends of
 * messages it already stored.
 */
export function createPublishPipeline(settings: PipelineSettings): PublishPipeline {
  const { window, counters } = settings;
  const slots: Slot[] = [];
  /** Index of the first slot not confirmed. */
  let head = 0;
  /** Index of the next slot to send. */
  let next = 0;
  let inFlight = 0;
  /** The id sent last in this run: the next message's predecessor (`undefined` at a run's start). */
  let previousId: string | undefined;
  /** The current run failed: nothing more is sent until the retry. */
  let failure: { readonly error: unknown; readonly fatal: boolean } | undefined;
  let retrying = false;
  let attempt = 0;
  /** The end of the confirmed prefix, and the last position reported to `completed`. */
  let confirmedThrough: bigint | undefined;
  let reported: bigint | undefined;
  let reportedAt = Number.NEGATIVE_INFINITY;
  /** A completed batch end held back by `checkpointIntervalMs`, and the timer that reports it. */
  let heldBack: bigint | undefined;
  let heldBackTimer: ReturnType<typeof setTimeout> | undefined;
  const closing = new AbortController();
  const closed = deferred();

  function pump(): void {
    while (!closing.signal.aborted && failure === undefined && next < slots.length && inFlight < window) {
      const slot = slots[next++]!;
      if (slot.event === undefined) slot.end?.sent.resolve();
      else send(slot, slot.event);
    }
    advance();
  }

  function send(slot: Slot, event: DomainEvent): void {
    inFlight++;
    counters.inFlight++;
    let sent: Promise<void>;
    try {
      sent = Promise.resolve(settings.publish(toRelayMessage(event, previousId)));
    } catch (error) {
      sent = Promise.reject(error);
    }
    previousId = event.eventId;
    sent
      .then(
        () => {
          slot.confirmed = true;
          counters.confirmed++;
        },
        (error: unknown) => {
          if (failure !== undefined) return;
          failure = { error, fatal: isRelayConfigurationError(error) };
          settings.failed(error, failure.fatal);
        },
      )
      .finally(() => {
        inFlight--;
        counters.inFlight--;
        pump();
        if (inFlight === 0) afterRunSettled();
      });
  }

  /** Moves `head` over confirmed slots, reporting each batch end it passes. */
  function advance(): void {
    let batchEnd: { position: bigint; caughtUp: boolean } | undefined;
    // Only over slots already sent: a batch end counts once the sending has passed it.
    while (head < next && slots[head]!.confirmed) {
      const slot = slots[head++]!;
      confirmedThrough = slot.position;
      if (slot.end !== undefined) {
        batchEnd = { position: slot.position, caughtUp: slot.end.caughtUp };
        attempt = 0;
        slot.end.confirmed.resolve();
      }
    }
    if (batchEnd !== undefined) reportBatchEnd(batchEnd.position, batchEnd.caughtUp);
    // Drop what is confirmed once it is most of the queue (amortised O(1) per message).
    if (head >= 1024 && head * 2 >= slots.length) {
      slots.splice(0, head);
      next -= head;
      head = 0;
    }
  }

  /** Reports a completed batch end now, or — catching up, within the interval — at its end. */
  function reportBatchEnd(position: bigint, caughtUp: boolean): void {
    const wait = reportedAt + settings.checkpointIntervalMs - performance.now();
    if (caughtUp || wait <= 0) {
      report(position);
      return;
    }
    heldBack = position;
    heldBackTimer ??= setTimeout(() => {
      heldBackTimer = undefined;
      if (heldBack !== undefined && !closing.signal.aborted) report(heldBack);
    }, wait);
  }

  function report(position: bigint): void {
    if (reported !== undefined && position <= reported) return;
    reported = position;
    reportedAt = performance.now();
    heldBack = undefined;
    settings.completed(position);
  }

  /** Nothing is in flight: close, or retry a failed run after the backoff. */
  function afterRunSettled(): void {
    if (closing.signal.aborted) {
      finishClose();
      return;
    }
    if (failure === undefined || failure.fatal || retrying) return;
    retrying = true;
    attempt++;
    const delay = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.min(attempt - 1, 64));
    void interrupted(delay, closing.signal).then(() => {
      retrying = false;
      if (closing.signal.aborted) {
        finishClose();
        return;
      }
      // Re-send from the first unconfirmed message: the ones after it go again even if confirmed,
      // so that none lands ahead of the re-sent gap.
      for (let i = head; i < next; i++) if (slots[i]!.event !== undefined) slots[i]!.confirmed = false;
      next = head;
      previousId = undefined;
      failure = undefined;
      pump();
    });
  }

  function finishClose(): void {
    if (inFlight > 0 || retrying) return;
    clearTimeout(heldBackTimer);
    heldBackTimer = undefined;
    // A partly confirmed batch: its confirmed prefix is safe to checkpoint (every position before
    // the last confirmed event was examined and, where it matched, confirmed).
    if (confirmedThrough !== undefined) report(confirmedThrough);
    const abandoned = new Error('The relay stopped before the broker confirmed this batch');
    for (let i = head; i < slots.length; i++) {
      slots[i]!.end?.sent.resolve();
      slots[i]!.end?.confirmed.reject(abandoned);
    }
    closed.resolve();
  }

  return {
    push(batch) {
      const end = { sent: deferred(), confirmed: deferred() };
      if (closing.signal.aborted) {
        end.sent.resolve();
        end.confirmed.reject(new Error('The relay stopped before this batch was sent'));
      } else {
        for (const event of batch.events) slots.push({ event, position: event.position, confirmed: false });
        slots.push({
          event: undefined,
          position: batch.through,
          confirmed: true,
          end: { ...end, caughtUp: batch.caughtUp },
        });
        pump();
      }
      return { sent: end.sent.promise, confirmed: end.confirmed.promise };
    },
    close() {
      if (!closing.signal.aborted) {
        closing.abort();
        // What is waiting to be sent never will be: let the handler return now.
        for (let i = next; i < slots.length; i++) slots[i]!.end?.sent.resolve();
        if (inFlight === 0) finishClose();
      }
      return closed.promise;
    },
  };
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch's `confirmed` may have no listener (no telemetry): its rejection is not an error.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
