import { assertName } from './define-projection';
import { collectionAddress, createDocumentReader } from './document-collection';
import type { AnyProjectionDefinition, DocumentReader, JsonDocument } from './projection-contract';
import type { DocumentReads, ProjectableEventStore } from './projection-storage';

const NOTHING: DocumentReads = {
  get: async () => undefined,
  find: async () => [],
  count: async () => 0,
};

import { assertProjectable } from './projection-versions';

/**
 * The read side: a collection of a projection's **active** version, outside any handler (committed
 * data only). During a rebuild it keeps reading the old version until the switch; with no active
 * version yet, it reads nothing.
 *
 * @example
 * ```ts
 * const orders = readDocuments<Order>(store, 'orders', 'orders');
 * const open = await orders.find({ status: 'open' }, { index: 'status' });
 * ```
 */
export function readDocuments<T extends JsonDocument>(
  store: ProjectableEventStore,
  projection: string | AnyProjectionDefinition,
  collection: string,
): DocumentReader<T> {
  assertProjectable(store);
  const name = typeof projection === 'string' ? projection : projection?.name;
  assertName(name, 'projection');
  collectionAddress(name, 1, collection);
  const active = async () => {
    const versions = await store.projections.versions(name);
    const version = versions.find((v) => v.status === 'active')?.version;
    // Without an active version every read finds nothing, still validating its arguments.
    const reads = version === undefined ? NOTHING : store.projections.documents;
    return createDocumentReader<T>(reads, collectionAddress(name, version ?? 1, collection));
  };
  return {
    get: async (id) => (await active()).get(id),
    find: async (filter, options) => (await active()).find(filter, options),
    count: async (filter) => (await active()).count(filter),
  };
}
