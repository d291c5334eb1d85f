/**
 * The subscription algorithm, written once (STYLE 16): read a page, hand out one batch, and when
 * caught up wait for a wake-up or the fallback poll. An adapter supplies only a page reader, its
 * head, and a wake-up source.
 */
import type { EventBatch, HorizonHolder, SubscribeOptions } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import { isStoreUnavailableError } from '../errors';
import type { EventPipeline } from '../store-options';
import { resolveSubscribeOptions } from '../validation/subscribe-options';
import { storeClosedError } from './store-errors';
import type { WakeUpSource } from './wake-up';

/** What the loop asks the adapter's page reader for. */
export interface SubscriptionPageRequest {
  /** Exclusive lower bound: only positions `> after`. */
  readonly after: bigint;
  /** The most matching events to return. */
  readonly limit: number;
  /** Only these aggregate types (`undefined`: all). */
  readonly aggregateTypes: readonly string[] | undefined;
  /** Only these **stored** event types (renamed types included; `undefined`: all). */
  readonly storedEventTypes: readonly string[] | undefined;
}

/** What the adapter's page reader returns. */
export interface SubscriptionPage {
  /**
   * Events with `position > after` matching the request's stored filter, in position order, at most
   * `limit`, **decoded but not upcast** (the loop upcasts and applies the upcast-type filter once,
   * for every adapter). None may lie above `through`.
   */
  readonly events: readonly DomainEvent[];
  /**
   * How far the read examined: every position `<= through` that can ever hold a matching event is in
   * `events` or already behind `after`. It must never pass a position that could still commit (on
   * PostgreSQL: below the snapshot's xmin horizon). When `limit` events were found it is the last
   * one's position; otherwise it is as far as the read could safely see (usually `head`).
   */
  readonly through: bigint;
  /** The newest committed position the read could see (`>= through`); caught up when `through >= head`. */
  readonly head: bigint;
  /** The open transaction elsewhere that holds the read back, when one does (C11; PostgreSQL). */
  readonly stalledBy?: HorizonHolder;
}

/** An adapter's storage, as the loop sees it. */
export interface SubscriptionSource {
  /** The adapter's name in messages: `'SQLite'`. */
  readonly store: string;
  /** The adapter's pipeline: the loop upcasts and filters through it. */
  readonly pipeline: EventPipeline;
  /** Reads one page; may be synchronous. Throw typed errors (retriable ones are retried). */
  readPage(request: SubscriptionPageRequest): Promise<SubscriptionPage> | SubscriptionPage;
  /** The newest committed position (what `from: 'end'` starts after). */
  readHead(): Promise<bigint> | bigint;
  /** Says when new events may have been committed. */
  readonly wakeUps: WakeUpSource;
  /** Aborted when the store closes: every subscription then ends cleanly. */
  readonly closed: AbortSignal;
  /** The fallback poll while caught up or stalled, in ms (a wake-up may be lost). Default `1000`. */
  readonly pollIntervalMs?: number;
  /** The first retry's delay after a retriable read error, in ms. Default {@link SUBSCRIPTION_RETRY_BASE_DELAY_MS}. */
  readonly retryBaseDelayMs?: number;
}

/** How many times in a row a retriable read error is retried before the subscription throws it (C5). */
export const SUBSCRIPTION_RETRY_LIMIT = 8;
/** The first retry's delay in ms; each later one doubles, up to {@link SUBSCRIPTION_RETRY_MAX_DELAY_MS}. */
export const SUBSCRIPTION_RETRY_BASE_DELAY_MS = 50;
/** The longest delay between retries, in ms. */
export const SUBSCRIPTION_RETRY_MAX_DELAY_MS = 2_000;
/** The fallback poll when the adapter sets none. */
export const DEFAULT_SUBSCRIPTION_POLL_MS = 1_000;

/**
 * Implements `EventStore.subscribe` over an adapter's {@link SubscriptionSource}. Validates the
 * options at once (throws `InvalidArgumentError` before anything is read) and throws
 * `StoreUnavailableError` when the store is already closed.
 *
 * Per step it reads one page, upcasts, filters, and yields one batch: at most one batch is in hand
 * and nothing is read ahead (C4). It yields when there are events, when `through` advanced (so a
 * filtered consumer's checkpoint moves, C2), and once on first catching up. A retriable
 * `StoreUnavailableError` is retried with backoff up to {@link SUBSCRIPTION_RETRY_LIMIT} times in a
 * row; the signal, `break` or the store closing end it without error.
 *
 * @example
 * ```ts
 * subscribe: (options) => subscribeToSource(source, options),
 * ```
 */
export function subscribeToSource(
  source: SubscriptionSource,
  options?: SubscribeOptions,
): AsyncIterable<EventBatch> {
  const resolved = resolveSubscribeOptions(options);
  if (source.closed.aborted) throw storeClosedError(source.store);
  return { [Symbol.asyncIterator]: () => follow(source, resolved)[Symbol.asyncIterator]() };
}

async function* follow(
  source: SubscriptionSource,
  { from, filter, batchSize, live, signal }: ReturnType<typeof resolveSubscribeOptions>,
): AsyncGenerator<EventBatch> {
  const { pipeline, closed } = source;
  const typeFilter = filter.eventTypes && pipeline.eventTypeFilter(filter.eventTypes);
  const ended = () => closed.aborted || (signal?.aborted ?? false);
  const waiter = createWaiter(source, signal);
  try {
    const start = from === 'end' ? await withRetries(source, ended, () => source.readHead()) : from;
    if (start === undefined) return;
    let after = start;
    let wasCaughtUp = false;
    let stalledBy: number | undefined;
    while (!ended()) {
      waiter.clear();
      const page = await withRetries(source, ended, () =>
        source.readPage({
          after,
          limit: batchSize,
          aggregateTypes: filter.aggregateTypes,
          storedEventTypes: typeFilter?.storedTypes,
        }),
      );
      if (page === undefined) return;
      const events: DomainEvent[] = [];
      for (const stored of page.events) {
        const event = pipeline.upcast(stored);
        if (typeFilter === undefined || typeFilter.matches(event)) events.push(event);
      }
      const through = later(page.through, after);
      const caughtUp = through >= page.head;
      const progressed = through > after;
      // A stall that begins (or moves to another backend) is worth a batch: status() then explains it.
      const stallBegins = page.stalledBy !== undefined && page.stalledBy.pid !== stalledBy;
      stalledBy = page.stalledBy?.pid;
      if (events.length > 0 || progressed || (caughtUp && !wasCaughtUp) || stallBegins) {
        const head = later(page.head, through);
        yield page.stalledBy === undefined
          ? { events, through, caughtUp, head }
          : { events, through, caughtUp, head, stalledBy: page.stalledBy };
      }
      after = through;
      wasCaughtUp = caughtUp;
      if (caughtUp && !live) return;
      // Caught up, or stalled behind an uncommitted position: wait rather than spin.
      if (caughtUp || !progressed) await waiter.wait();
    }
  } finally {
    waiter.dispose();
  }
}

/** The larger of two positions (`Math.max` does not take bigints). */
const later = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Runs one read, retrying retriable errors; `undefined` when the subscription ended meanwhile. */
async function withRetries<T>(
  source: SubscriptionSource,
  ended: () => boolean,
  read: () => Promise<T> | T,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      // A read that fails because the store closed under it is the clean end C5 asks for.
      if (ended()) return undefined;
      if (!isStoreUnavailableError(error) || !error.retriable || attempt >= SUBSCRIPTION_RETRY_LIMIT)
        throw error;
      const delay = Math.min(
        SUBSCRIPTION_RETRY_MAX_DELAY_MS,
        (source.retryBaseDelayMs ?? SUBSCRIPTION_RETRY_BASE_DELAY_MS) * 2 ** (attempt - 1),
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (ended()) return undefined;
    }
  }
}

/**
 * Waits for a wake-up, the fallback poll, the signal or the store closing. It listens from creation,
 * so a commit between a read and the wait is not missed: `clear()` before each read forgets only the
 * wake-ups that read already covers.
 */
function createWaiter(source: SubscriptionSource, signal: AbortSignal | undefined) {
  let pending = false;
  let release: (() => void) | undefined;
  const wake = () => {
    pending = true;
    release?.();
  };
  const off = source.wakeUps.onWake(wake);
  source.closed.addEventListener('abort', wake);
  signal?.addEventListener('abort', wake);
  return {
    clear() {
      pending = false;
    },
    wait(): Promise<void> {
      if (pending) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, source.pollIntervalMs ?? DEFAULT_SUBSCRIPTION_POLL_MS);
        function done() {
          clearTimeout(timer);
          release = undefined;
          resolve();
        }
        release = done;
      });
    },
    dispose() {
      off();
      source.closed.removeEventListener('abort', wake);
      signal?.removeEventListener('abort', wake);
      release?.();
    },
  };
}
