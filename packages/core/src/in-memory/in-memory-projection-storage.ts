import type { SaveCheckpointOptions } from '../contract/consuming';
import type { ProjectionVersion, ProjectionVersionStatus } from '../projection/projection-contract';
import type {
  CollectionAddress,
  DocumentFieldFilter,
  DocumentReads,
  ProjectionStorage,
  ProjectionTransaction,
  ProjectionTransactionOptions,
} from '../projection/projection-storage';
import type { InMemoryCheckpointStore } from './in-memory-checkpoint-store';

/** Documents of one collection: id → JSON text. */
type Collection = Map<string, string>;

const collectionKey = (at: CollectionAddress): string =>
  `${at.projection}\u0000${at.version}\u0000${at.collection}`;
const versionPrefix = (projection: string, version: number): string => `${projection}\u0000${version}\u0000`;

/** Ids in the binary order of their UTF-8 bytes, as the SQL adapters sort them. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function matches(json: string, filter: DocumentFieldFilter): boolean {
  const entries = Object.entries(filter);
  if (entries.length === 0) return true;
  const document = JSON.parse(json) as Record<string, unknown>;
  return entries.every(([field, value]) => Object.hasOwn(document, field) && document[field] === value);
}

/** The in-memory projection storage, plus what the in-memory append needs to run inline projections. */
export interface InMemoryProjectionStorage extends ProjectionStorage {
  /**
   * Runs `work` in a transaction; when it resolves, `commit` (the append's own writes) runs in the
   * same synchronous step as the transaction's, so readers never see one without the other.
   */
  transactionWith<R>(
    work: (tx: ProjectionTransaction) => Promise<R>,
    options: ProjectionTransactionOptions,
    commit: (result: R) => void,
  ): Promise<R>;
}

/**
 * Projections in maps. A transaction writes into its own overlay (copy-on-write per document) and
 * commits it in one synchronous step, or drops it on a throw — so a throwing handler leaves nothing.
 * Inline appends and exclusive transactions are serialized by a lock; others run side by side
 * (each projection version has one writer: its processor or its rebuild).
 */
export function createInMemoryProjectionStorage(
  assertOpen: () => void,
  checkpoints: InMemoryCheckpointStore,
): InMemoryProjectionStorage {
  const collections = new Map<string, Collection>();
  const indexes = new Set<string>();
  const versions = new Map<string, Map<number, ProjectionVersionStatus>>();
  let lock: Promise<unknown> = Promise.resolve();

  const committedReads = (dropped: ReadonlySet<string> = new Set()): DocumentReads => {
    const live = (at: CollectionAddress) =>
      dropped.has(versionPrefix(at.projection, at.version)) ? undefined : collections.get(collectionKey(at));
    return {
      async get(at, id) {
        assertOpen();
        return live(at)?.get(id);
      },
      async find(at, filter, { limit }) {
        assertOpen();
        const found = [...(live(at) ?? [])].filter(([, json]) => matches(json, filter));
        found.sort(([a], [b]) => byUtf8(a, b));
        return found.slice(0, limit).map(([, json]) => json);
      },
      async count(at, filter) {
        assertOpen();
        return [...(live(at)?.values() ?? [])].filter((json) => matches(json, filter)).length;
      },
    };
  };

  const listVersions = (name: string, overlay?: Map<string, Map<number, ProjectionVersionStatus>>) => {
    const merged = new Map([...(versions.get(name) ?? []), ...(overlay?.get(name) ?? [])]);
    return [...merged]
      .sort(([a], [b]) => a - b)
      .map(([version, status]): ProjectionVersion => ({ name, version, status }));
  };

  async function run<R>(
    work: (tx: ProjectionTransaction) => Promise<R>,
    commit: (result: R) => void,
  ): Promise<R> {
    assertOpen();
    const written = new Map<string, Map<string, string | null>>();
    const dropped = new Set<string>();
    const newStatuses = new Map<string, Map<number, ProjectionVersionStatus>>();
    const saves: [string, bigint, SaveCheckpointOptions][] = [];
    const committed = committedReads(dropped);
    const own = (at: CollectionAddress): Map<string, string | null> => {
      const key = collectionKey(at);
      const overlay = written.get(key) ?? new Map<string, string | null>();
      written.set(key, overlay);
      return overlay;
    };
    /** The collection as this transaction sees it: committed documents under its own writes. */
    const view = async (at: CollectionAddress): Promise<[string, string][]> => {
      assertOpen();
      const key = collectionKey(at);
      const base = dropped.has(versionPrefix(at.projection, at.version)) ? undefined : collections.get(key);
      const all = new Map<string, string | null>(base);
      for (const [id, json] of written.get(key) ?? []) all.set(id, json);
      return [...all].filter((entry): entry is [string, string] => entry[1] !== null);
    };
    const tx: ProjectionTransaction = {
      raw: undefined,
      documents: {
        async get(at, id) {
          assertOpen();
          const mine = written.get(collectionKey(at))?.get(id);
          return mine === undefined ? committed.get(at, id) : (mine ?? undefined);
        },
        async find(at, filter, { limit }) {
          const found = (await view(at)).filter(([, json]) => matches(json, filter));
          found.sort(([a], [b]) => byUtf8(a, b));
          return found.slice(0, limit).map(([, json]) => json);
        },
        async count(at, filter) {
          return (await view(at)).filter(([, json]) => matches(json, filter)).length;
        },
        async put(at, id, json) {
          assertOpen();
          own(at).set(id, json);
        },
        async delete(at, id) {
          const existed = (await tx.documents.get(at, id)) !== undefined;
          own(at).set(id, null);
          return existed;
        },
        async ensureIndex(at, field) {
          assertOpen();
          indexes.add(`${collectionKey(at)}\u0000${field}`);
        },
        async drop(projection, version) {
          assertOpen();
          const prefix = versionPrefix(projection, version);
          dropped.add(prefix);
          for (const key of written.keys()) if (key.startsWith(prefix)) written.delete(key);
        },
      },
      async saveCheckpoint(processorId, position, options) {
        // Checked now (a deposed writer fails before its handlers run) and again at commit.
        checkpoints.saveNow(processorId, position, options, false);
        saves.push([processorId, position, options]);
      },
      async versions(name) {
        assertOpen();
        return listVersions(name, newStatuses);
      },
      async setVersionStatus(name, version, status) {
        assertOpen();
        const statuses = newStatuses.get(name) ?? new Map<number, ProjectionVersionStatus>();
        newStatuses.set(name, statuses.set(version, status));
      },
    };
    const result = await work(tx);
    // One synchronous step from here: checks first, then every write, so nothing commits half-way.
    assertOpen();
    for (const [id, position, options] of saves) checkpoints.saveNow(id, position, options, false);
    commit(result);
    for (const [id, position, options] of saves) checkpoints.saveNow(id, position, options);
    for (const prefix of dropped) {
      for (const key of [...collections.keys()]) if (key.startsWith(prefix)) collections.delete(key);
    }
    for (const [key, overlay] of written) {
      const next = new Map(collections.get(key));
      for (const [id, json] of overlay) {
        if (json === null) next.delete(id);
        else next.set(id, json);
      }
      collections.set(key, next);
    }
    for (const [name, statuses] of newStatuses) {
      versions.set(name, new Map([...(versions.get(name) ?? []), ...statuses]));
    }
    return result;
  }

  function transactionWith<R>(
    work: (tx: ProjectionTransaction) => Promise<R>,
    options: ProjectionTransactionOptions,
    commit: (result: R) => void,
  ): Promise<R> {
    if (!options.exclusive) return run(work, commit);
    const turn = lock.then(() => run(work, commit));
    lock = turn.catch(() => undefined);
    return turn;
  }

  return {
    transactionWith,
    transaction: (work, options = {}) => transactionWith(work, options, () => undefined),
    documents: committedReads(),
    async versions(name) {
      assertOpen();
      return listVersions(name);
    },
  };
}
