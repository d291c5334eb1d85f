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

/** A collection inside a projection transaction: reads see the transaction's own writes. */
export function createDocumentCollection<T extends JsonDocument>(
  writes: DocumentWrites,
  at: CollectionAddress,
): DocumentCollection<T> {
  const reader = createDocumentReader<T>(writes, at);
  const put = async (id: string, document: T) => {
    assertIdentifier(id, 'id');
    assertDocument(document, 'document');
    await writes.put(at, id, JSON.stringify(document));
  };
  return {
    ...reader,
    put,
    async patch(id, changes) {
      assertIdentifier(id, 'id');
      assertDocument(changes, 'changes');
      const current = await reader.get(id);
      if (current === undefined) return undefined;
      const next = { ...current, ...changes } as T;
      await writes.put(at, id, JSON.stringify(next));
      return next;
    },
    async delete(id) {
      assertIdentifier(id, 'id');
      return writes.delete(at, id);
    },
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
