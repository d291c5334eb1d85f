import { InvalidArgumentError } from '../errors';
import { assertIdentifier, assertPositiveInteger, describe } from '../validation/arguments';
import { assertJsonValue, copyJsonValue, copyShallowJson } from '../validation/json';
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
 * A private copy of `document` as JSON would keep it; throws `InvalidArgumentError` (naming
 * `argument`) unless it is a JSON object.
 */
function copyDocument(document: unknown, argument: string): JsonDocument {
  if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
    const copy = copyShallowJson(document);
    if (copy !== undefined) return copy as JsonDocument;
  }
  // Not JSON (this throws, naming what is wrong), or deeper than the quick copy goes.
  assertDocument(document, argument);
  return JSON.parse(JSON.stringify(document)) as JsonDocument;
}

/** A fresh copy of a document this collection holds (valid JSON by construction). */
const handOut = <T>(document: JsonDocument): T => copyJsonValue(document) as T;

/**
 * A collection inside a projection transaction: reads see the transaction's own writes.
 *
 * The collection keeps, per id, the document it last read or wrote (or that there is none), and
 * holds its writes back until `flush` (before `find` and `count`, and by the engine before the
 * checkpoint or commit): a batch that updates one document for many events reads it once and writes
 * it once, as a hand-written projector would. That is sound because a collection lives no longer
 * than its transaction (see `projectionContext`) and every write to its documents goes through it.
 *
 * What it keeps are its own copies, as JSON would give them back: `put` validates the document and
 * copies it in one walk (a bad one throws there and then, nothing held back), `get` hands out a
 * fresh copy the caller may mutate, and the JSON text is built once per id at `flush` — not a
 * `JSON.stringify` per `put` and a `JSON.parse` per `get`.
 */
export function createDocumentCollection<T extends JsonDocument>(
  writes: DocumentWrites,
  at: CollectionAddress,
): BufferedDocumentCollection<T> {
  const reader = createDocumentReader<T>(writes, at);
  /**
   * The document under an id as this transaction knows it (`null`: there is none). These objects are
   * the collection's own: never handed out, never changed (a write replaces one), so every id in
   * here has been validated too.
   */
  const known = new Map<string, JsonDocument | null>();
  /** The ids whose `known` state is not written yet. */
  const dirty = new Set<string>();
  /** The known document under `id`, read (once per transaction) when not known yet. */
  const current = async (id: string) => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    assertIdentifier(id, 'id');
    const json = await writes.get(at, id);
    const document = json === undefined ? null : parse<JsonDocument>(json);
    known.set(id, document);
    return document;
  };
  const set = (id: string, document: JsonDocument | null) => {
    known.set(id, document);
    dirty.add(id);
  };
  const flush = async () => {
    for (const id of dirty) {
      const document = known.get(id) ?? null;
      if (document === null) await writes.delete(at, id);
      else await writes.put(at, id, JSON.stringify(document));
      dirty.delete(id);
    }
  };
  return {
    async get(id) {
      // Known documents are handed out without another await: a handler reads one per event.
      const cached = known.get(id);
      const document = cached !== undefined ? cached : await current(id);
      return document === null ? undefined : handOut<T>(document);
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
      if (!known.has(id)) assertIdentifier(id, 'id');
      set(id, copyDocument(document, 'document'));
    },
    async patch(id, changes) {
      assertIdentifier(id, 'id');
      assertDocument(changes, 'changes');
      const document = await current(id);
      if (document === null) return undefined;
      const next = { ...handOut<T>(document), ...changes } as T;
      set(id, copyDocument(next, 'changes'));
      return next;
    },
    async delete(id) {
      const existed = (await current(id)) !== null;
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
