import { InvalidArgumentError } from '../errors';
import { assertPositiveInteger } from '../validation/arguments';

/** What a {@link SnapshotStrategy} is told after a save has committed. */
export interface SnapshotContext {
  /** The stream's aggregate type. */
  readonly aggregateType: string;
  /** The stream's aggregate id. */
  readonly aggregateId: string;
  /** The stream version after the save. */
  readonly version: number;
  /** How many events this save appended (at least 1: a save with nothing to append asks nobody). */
  readonly eventsAppended: number;
  /**
   * Events since the last snapshot this repository knows of (the one loaded or last saved), or since
   * the stream's start when there is none: `version - (lastSnapshot?.version ?? 0)`.
   */
  readonly eventsSinceSnapshot: number;
  /** The last snapshot this repository knows of for this aggregate instance, or `null`. */
  readonly lastSnapshot: { readonly version: number; readonly createdAt: Date } | null;
  /** The repository's clock reading for this save. */
  readonly now: Date;
}

/**
 * Decides, after each committed save, whether to write a snapshot. Any function of the context is a
 * strategy (a custom one); the built-ins are {@link everyNEvents}, {@link maxSnapshotAge},
 * {@link neverSnapshot} and {@link snapshotWhenAny}.
 *
 * @example
 * ```ts
 * // custom: snapshot closed accounts once, whatever the count
 * const strategy: SnapshotStrategy = (ctx) => ctx.eventsSinceSnapshot >= 50 || ctx.version === 1;
 * ```
 */
export type SnapshotStrategy = (context: SnapshotContext) => boolean;

/**
 * Snapshots once `n` or more events have been appended since the last snapshot. Counting since the
 * snapshot (not `version % n === 0`, as in the lesson) matters when one save appends several events:
 * a save that takes the stream from 99 to 102 still triggers the snapshot due at 100.
 *
 * @param n - a positive integer, e.g. `100`
 * @throws InvalidArgumentError when `n` is not a positive integer
 *
 * @example `new Repository(store, { create, snapshotStrategy: everyNEvents(100) })`
 */
export function everyNEvents(n: number): SnapshotStrategy {
  assertPositiveInteger(n, 'n');
  return (context) => context.eventsSinceSnapshot >= n;
}

/**
 * Snapshots when the last snapshot is at least `maxAgeMs` old by the repository's clock, or when the
 * repository knows of none. Pair it with {@link everyNEvents} through {@link snapshotWhenAny} so a busy
 * stream is also snapshotted by count.
 *
 * @param maxAgeMs - a non-negative number of milliseconds, e.g. `24 * 60 * 60 * 1000`
 * @throws InvalidArgumentError when `maxAgeMs` is negative or not finite
 *
 * @example `snapshotWhenAny(everyNEvents(100), maxSnapshotAge(24 * 60 * 60 * 1000))`
 */
export function maxSnapshotAge(maxAgeMs: number): SnapshotStrategy {
  if (typeof maxAgeMs !== 'number' || !Number.isFinite(maxAgeMs) || maxAgeMs < 0) {
    throw new InvalidArgumentError('maxAgeMs', `must be a non-negative number, got ${String(maxAgeMs)}`);
  }
  return (context) =>
    context.lastSnapshot === null ||
    context.now.getTime() - context.lastSnapshot.createdAt.getTime() >= maxAgeMs;
}

/** Never snapshots: every load replays the whole stream. The repository's default. */
export function neverSnapshot(): SnapshotStrategy {
  return () => false;
}

/**
 * Snapshots when any of the given strategies says so (the lesson's "every N events or older than a
 * day"). With no strategy it never snapshots.
 *
 * @example `snapshotWhenAny(everyNEvents(100), maxSnapshotAge(86_400_000))`
 */
export function snapshotWhenAny(...strategies: readonly SnapshotStrategy[]): SnapshotStrategy {
  strategies.forEach((strategy, i) => {
    if (typeof strategy !== 'function') {
      throw new InvalidArgumentError(`strategies[${i}]`, 'must be a snapshot strategy function');
    }
  });
  return (context) => strategies.some((strategy) => strategy(context));
}
