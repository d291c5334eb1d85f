import type { DomainEvent } from '../contract/types';

/**
 * Fetches the next page of a paged read: its events in order (possibly none, e.g. when a filter
 * dropped them all), or `null` once the read is over. Keeps its own place (a keyset) between calls.
 */
export type FetchEventPage = () => Promise<readonly DomainEvent[] | null>;

const DONE: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });

/**
 * The events of a paged read, one at a time, as the async generator `readStream` and `readAll`
 * return: an `async function*` that yields page by page, without its cost per event. A generator
 * suspends and resumes at each `yield` (a few promise jobs and allocations per event); here an event
 * of a page already read is handed out with one resolved promise, and only the next page waits on
 * the fetcher. Behaves as that generator would: `open` (which validates the read's arguments and
 * returns its page fetcher) runs at the first `next()`, so its errors reject that call rather than
 * the one that created the read; calls made while a page is being fetched wait their turn; after an
 * error, `return()` or `throw()`, the iteration is over.
 *
 * @example
 * ```ts
 * readAll: (options) =>
 *   pagedEvents(() => {
 *     let after = resolveReadAllOptions(options).fromPosition;
 *     return async () => {
 *       const events = decode(await query(PAGE_SQL, [after, 500]));
 *       if (events.length === 0) return null;
 *       after = events[events.length - 1]!.position;
 *       return events;
 *     };
 *   }),
 * ```
 */
export function pagedEvents(open: () => FetchEventPage): AsyncGenerator<DomainEvent, void, undefined> {
  let fetchPage: FetchEventPage | undefined;
  let page: readonly DomainEvent[] = [];
  let index = 0;
  let over = false;
  /** The `next()` that is fetching a page; later calls queue behind it. */
  let fetching: Promise<IteratorResult<DomainEvent, void>> | undefined;

  const end = (): void => {
    over = true;
    page = [];
    index = 0;
  };
  const fetchNonEmpty = async (): Promise<IteratorResult<DomainEvent, void>> => {
    try {
      fetchPage ??= open();
      while (!over) {
        const events = await fetchPage();
        if (events === null) break;
        if (events.length > 0) {
          page = events;
          index = 1;
          return { value: events[0]!, done: false };
        }
      }
    } catch (error) {
      end();
      throw error;
    }
    end();
    return DONE;
  };
  const afterFetch = <T>(then: () => T | Promise<T>): Promise<T> => {
    const queued = fetching!;
    return queued.then(then, then);
  };

  const iterator: AsyncGenerator<DomainEvent, void, undefined> = {
    next() {
      if (fetching !== undefined) return afterFetch(() => iterator.next());
      if (index < page.length) return Promise.resolve({ value: page[index++]!, done: false });
      if (over) return Promise.resolve(DONE);
      const current = fetchNonEmpty();
      fetching = current;
      const settled = () => {
        if (fetching === current) fetching = undefined;
      };
      current.then(settled, settled);
      return current;
    },
    return() {
      if (fetching !== undefined) return afterFetch(() => iterator.return());
      end();
      return Promise.resolve(DONE);
    },
    throw(error: unknown) {
      if (fetching !== undefined) return afterFetch(() => iterator.throw(error));
      end();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
