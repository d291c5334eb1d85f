import type { DomainEvent, ReadStreamOptions, StreamRef } from '../contract/types';
import { assertStreamRef, resolveReadStreamOptions } from '../validation/arguments';
import { type FetchEventPage, pagedEvents } from './paged-events';

/** One page {@link readStreamPages} asks the adapter for. */
export interface StreamPageRequest {
  /** The stream, already validated. */
  readonly stream: StreamRef;
  /** `'forward'`: versions ascending; `'backward'`: descending. */
  readonly direction: 'forward' | 'backward';
  /**
   * Exclusive bound in the reading direction: forward, versions **above** it (`0` for the start);
   * backward, versions **below** it (`Number.MAX_SAFE_INTEGER` for the newest). One keyset parameter
   * of an SQL query: `version > ? ORDER BY version` or `version < ? ORDER BY version DESC`.
   */
  readonly fromVersion: number;
  /** At most this many events (at least 1). */
  readonly limit: number;
}

/**
 * Reads one page of a stream: the stream's events beyond `fromVersion` in `direction`, at most
 * `limit`, decoded and upcast. Fewer than `limit` means the stream ends there.
 */
export type FetchStreamPage = (
  request: StreamPageRequest,
) => readonly DomainEvent[] | Promise<readonly DomainEvent[]>;

/**
 * `readStream`, written once: validates the stream and options (before any I/O, so bad options
 * reject on the first `next()`), then asks `fetchPage` for pages of at most `pageSize` events,
 * resuming after the last version seen (a keyset, never an offset), until the stream or `limit` ends.
 * Memory stays bounded by `pageSize`; an event appended meanwhile is seen by a later page.
 *
 * @param pageSize - the largest page to ask for; a positive integer
 * @throws InvalidArgumentError on a malformed stream or options
 *
 * @example
 * ```ts
 * readStream: (stream, options) =>
 *   readStreamPages(stream, options, 500, ({ stream, direction, fromVersion, limit }) =>
 *     query(direction === 'forward' ? FORWARD_SQL : BACKWARD_SQL, [
 *       stream.aggregateType, stream.aggregateId, fromVersion, limit,
 *     ]).map((row) => pipeline.upcast(decodeEventRow(row))),
 *   ),
 * ```
 */
export function readStreamPages(
  stream: StreamRef,
  options: ReadStreamOptions | undefined,
  pageSize: number,
  fetchPage: FetchStreamPage,
): AsyncGenerator<DomainEvent, void, undefined> {
  // Validated by the first `next()`, as the generator this once was did.
  return pagedEvents(() => streamPages(stream, options, pageSize, fetchPage));
}

function streamPages(
  stream: StreamRef,
  options: ReadStreamOptions | undefined,
  pageSize: number,
  fetchPage: FetchStreamPage,
): FetchEventPage {
  assertStreamRef(stream);
  const { fromVersion, direction, limit } = resolveReadStreamOptions(options);
  let bound = fromVersion ?? (direction === 'forward' ? 0 : Number.MAX_SAFE_INTEGER);
  let remaining = limit ?? Number.POSITIVE_INFINITY;
  return async () => {
    if (remaining <= 0) return null;
    const pageLimit = Math.min(remaining, pageSize);
    const page = await fetchPage({ stream, direction, fromVersion: bound, limit: pageLimit });
    remaining = page.length < pageLimit ? 0 : remaining - page.length;
    // Keyset on the version, which upcasting never changes.
    if (page.length > 0) bound = page[page.length - 1]!.version;
    return page;
  };
}
