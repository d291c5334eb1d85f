import { InvalidArgumentError } from '../errors';
import { assertIdentifier, assertPositiveInteger, describe } from '../validation/arguments';
import { assertJsonValue } from '../validation/json';
import { assertName } from './define-projection';
import type {
  DocumentCollection,
  DocumentFilter,
  DocumentReader,
  FindOptions,
  JsonDocument,
} from './projection-contract';
import type {
  CollectionAddress,
  DocumentFieldFilter,
  DocumentReads,
  DocumentWrites,
} from './projection-storage';

/** Throws `InvalidArgumentError` unless `document` is a JSON object (the rules of event data). */
function assertDocument(document: unknown, argument: string): asserts document is JsonDocument {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InvalidArgumentError(argument, `must be a JSON object, got ${describe(document)}`);
  }
  assertJsonValue(document, argument);
}

/** Validates a filter: identifier field names, scalar values. */
function resolveFilter(filter: unknown): DocumentFieldFilter {
  if (filter === undefined) return {};
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new InvalidArgumentError('filter', `must be { field: value, … }, got ${describe(filter)}`);
  }
  for (const [field, value] of Object.entries(filter)) {
    assertName(field, 'filter field');
    const scalar = value === null || ['string', 'boolean'].includes(typeof value) || Number.isFinite(value);
    if (!scalar) {
      throw new InvalidArgumentError(
        `filter.${field}`,
        `must be a string, finite number, boolean or null, got ${describe(value)}`,
      );
    }
    if (typeof value === 'string') assertJsonValue(value, `filter.${field}`);
  }
  return filter as DocumentFieldFilter;
}

function resolveFindOptions(options: FindOptions | undefined) {
  if (options === undefined) return { limit: undefined, index: undefined };
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', `must be { limit?, index? }, got ${describe(options)}`);
  }
  if (options.limit !== undefined) assertPositiveInteger(options.limit, 'options.limit');
  if (options.index !== undefined) assertName(options.index, 'options.index');
  return { limit: options.limit, index: options.index };
}

const parse = <T>(json: string): T => JSON.parse(json) as T;

/** The read half of a collection over the port's reads; every call is validated first. */
export function createDocumentReader<T extends JsonDocument>(
  reads: DocumentReads,
  at: CollectionAddress,
): DocumentReader<T> {
  return {
    async get(id) {
      assertIdentifier(id, 'id');
      const json = await reads.get(at, id);
      return json === undefined ? undefined : parse<T>(json);
    },
    async find(filter?: DocumentFilter<T>, options?: FindOptions) {
      const where = resolveFilter(filter);
      return (await reads.find(at, where, resolveFindOptions(options))).map((json) => parse<T>(json));
    },
    async count(filter?: DocumentFilter<T>) {
      return reads.count(at, resolveFilter(filter));
    },
  };
}

/** A collection inside a projection transaction, with the writes it holds back until `flush`. */
export interface BufferedDocumentCollection<T extends JsonDocument> extends DocumentCollection<T> {
  /** Writes what `put`, `patch` and `delete` changed since the last flush (the last state per id). */
  flush(): Promise<void>;
}

/**
 * A collection inside a projection transaction: reads see the transaction's own writes.
 *
 * The collection remembers, per id, the JSON text it last read or wrote (or that there is none), and
 * holds its writes back until `flush` (before `find` and `count`, and by the engine before the
 * checkpoint or commit): a batch that updates one document for many events reads it once and writes
 * it once, as a hand-written projector would. That is sound because a collection lives no longer
 * than its transaction (see `projectionContext`) and every write to its documents goes through it.
 * Documents are validated and serialised when written, so a bad one still throws there and then;
 * `get` parses the text, so every read returns a fresh copy that the caller may mutate.
 */
export function createDocumentCollection<T extends JsonDocument>(
  writes: DocumentWrites,
  at: CollectionAddress,
): BufferedDocumentCollection<T> {
  const reader = createDocumentReader<T>(writes, at);
  /** The JSON text under an id as this transaction knows it; `null` when there is none. */
  const known = new Map<string, string | null>();
  /** The ids whose `known` state is not written yet. */
  const dirty = new Set<string>();
  const getJson = async (id: string) => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    const json = (await writes.get(at, id)) ?? null;
    known.set(id, json);
    return json;
  };
  const set = (id: string, json: string | null) => {
    known.set(id, json);
    dirty.add(id);
  };
  const flush = async () => {
    for (const id of dirty) {
      const json = known.get(id) ?? null;
      if (json === null) await writes.delete(at, id);
      else await writes.put(at, id, json);
      dirty.delete(id);
    }
  };
  return {
    async get(id) {
      assertIdentifier(id, 'id');
      const json = await getJson(id);
      return json === null ? undefined : parse<T>(json);
    },
    async find(filter, options) {
      await flush();
      return reader.find(filter, options);
    },
    async count(filter) {
      await flush();
      return reader.count(filter);
    },
    async put(id, document) {
      assertIdentifier(id, 'id');
      assertDocument(document, 'document');
      set(id, JSON.stringify(document));
    },
    async patch(id, changes) {
      assertIdentifier(id, 'id');
      assertDocument(changes, 'changes');
      const json = await getJson(id);
      if (json === null) return undefined;
      const next = { ...parse<T>(json), ...changes } as T;
      set(id, JSON.stringify(next));
      return next;
    },
    async delete(id) {
      assertIdentifier(id, 'id');
      const existed = (await getJson(id)) !== null;
      // Deleting what is not there writes nothing.
      if (existed) set(id, null);
      return existed;
    },
    flush,
  };
}

/** The address of `collection` of a projection version, the collection name validated. */
export function collectionAddress(
  projection: string,
  version: number,
  collection: unknown,
): CollectionAddress {
  assertName(collection, 'collection');
  return { projection, version, collection };
}
