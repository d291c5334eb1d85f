/**
 * The storage port of projections: what an adapter implements so that the one projection engine in
 * core runs on it. Everything here is adapter-facing (`@chronicle/core/adapter`); applications use
 * `defineProjection`, `startProjection`, `rebuildProjection` and `readDocuments`.
 *
 * Validation happens in core before any call reaches the port: ids, collections, field names and
 * projection names are checked, documents are JSON text already. The adapter stores and queries.
 */
import type { SaveCheckpointOptions, SubscribableEventStore } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import type { ProjectionVersion, ProjectionVersionStatus } from './projection-contract';

/**
 * Where a collection lives: documents are keyed by `(projection, version, collection, id)`, so two
 * versions of one projection are built side by side without touching each other.
 */
export interface CollectionAddress {
  /** The projection's name (an identifier). */
  readonly projection: string;
  /** The projection's version (a positive integer). */
  readonly version: number;
  /** The collection (an identifier). */
  readonly collection: string;
}

/** A scalar a filter compares a top-level field with. */
export type DocumentScalar = string | number | boolean | null;

/**
 * Equality on top-level fields (names are identifiers): a document matches when every field is
 * present and equal as JSON (`1` equals `1.0`; `true` is not `1`; `null` matches a field that is
 * present and null, never a missing one).
 */
export type DocumentFieldFilter = Readonly<Record<string, DocumentScalar>>;

/** Committed (or in-transaction) document reads. Documents travel as JSON text. */
export interface DocumentReads {
  /** The JSON text stored under `id`, or `undefined`. */
  get(at: CollectionAddress, id: string): Promise<string | undefined>;
  /** The JSON texts of the matching documents, in id order (binary order of the id's UTF-8 bytes). */
  find(
    at: CollectionAddress,
    filter: DocumentFieldFilter,
    options: { readonly limit: number | undefined; readonly index: string | undefined },
  ): Promise<string[]>;
  /** How many documents match. */
  count(at: CollectionAddress, filter: DocumentFieldFilter): Promise<number>;
}

/** Document writes, only inside a {@link ProjectionTransaction}. */
export interface DocumentWrites extends DocumentReads {
  /** Stores (inserts or replaces) `json`, a JSON object's text, under `id`. */
  put(at: CollectionAddress, id: string, json: string): Promise<void>;
  /** Removes the document under `id`; `false` when there was none. */
  delete(at: CollectionAddress, id: string): Promise<boolean>;
  /** Creates (if missing) an index on a top-level field of the collection. Idempotent. */
  ensureIndex(at: CollectionAddress, field: string): Promise<void>;
  /** Removes every document of every collection of `(projection, version)` (and its indexes). */
  drop(projection: string, version: number): Promise<void>;
}

/**
 * One transaction of the adapter's database: documents, the checkpoint and projection versions
 * commit together or not at all. This is what makes async projections exactly-once (C8): the
 * checkpoint that says "handled through N" is written with the documents that handling produced.
 */
export interface ProjectionTransaction {
  /** Document reads (seeing this transaction's own writes) and writes. */
  readonly documents: DocumentWrites;
  /**
   * The same compare-and-set as `CheckpointStore.save` (same table, same rules, C6/C7), inside this
   * transaction.
   *
   * @throws CheckpointConflictError when the stored position is not `options.expected` or the lease is stale
   */
  saveCheckpoint(processorId: string, position: bigint, options: SaveCheckpointOptions): Promise<void>;
  /** The stored versions of projection `name` (seeing this transaction's own writes), by version. */
  versions(name: string): Promise<ProjectionVersion[]>;
  /** Inserts or updates the status of `(name, version)`. */
  setVersionStatus(name: string, version: number, status: ProjectionVersionStatus): Promise<void>;
  /** The adapter's raw transaction, handed to handlers as `ProjectionContext.raw` (see there). */
  readonly raw: unknown;
}

/** Options of {@link ProjectionStorage.transaction}. */
export interface ProjectionTransactionOptions {
  /**
   * Exclusive of appends that run inline projections: the transaction waits for those in flight and
   * holds new ones back until it ends. A rebuild of an inline projection switches versions in such a
   * transaction, so that no append falls between "caught up" and "switched".
   */
  readonly exclusive?: boolean;
}

/** What an adapter offers projections. */
export interface ProjectionStorage {
  /**
   * Runs `work` in one database transaction: commits when it resolves, rolls back (every document
   * write, checkpoint and version change) when it throws, and rethrows.
   */
  transaction<R>(
    work: (tx: ProjectionTransaction) => Promise<R>,
    options?: ProjectionTransactionOptions,
  ): Promise<R>;
  /** Committed document reads, outside any transaction (the read side). */
  readonly documents: DocumentReads;
  /** The committed versions of projection `name`, by version. */
  versions(name: string): Promise<ProjectionVersion[]>;
}

/**
 * A store with projections: the capability `projections` of the conformance suite. Inline
 * projections are registered through the store options (`inlineProjections`); the adapter runs them
 * in its append transaction through {@link InlineProjections}.
 */
export interface ProjectableEventStore extends SubscribableEventStore {
  /** The projections' storage port. */
  readonly projections: ProjectionStorage;
}

/**
 * The inline projections of a store, resolved from its options by `createEventPipeline` (as
 * `pipeline.inline`). An adapter's append does, when `isEmpty` is false (and only then — appends
 * without inline projections keep their own path):
 *
 * 1. open its transaction and take its shared projections lock **before inserting** (so an
 *    exclusive {@link ProjectionStorage.transaction} waits for this append, or this append for it);
 * 2. insert the events as usual;
 * 3. `await inline.apply(tx, events)` with the stored events, upcast, in position order;
 * 4. commit — or, when `apply` throws (a `ProjectionError` naming the projection, the event and the
 *    handler's error as `cause`), roll back everything and rethrow.
 */
export interface InlineProjections {
  /** True when the store has no inline projection: the append needs no transaction work for them. */
  readonly isEmpty: boolean;
  /**
   * Applies the appended events to every active inline projection inside `tx`.
   *
   * @throws ProjectionError when a handler throws (or writes a bad document)
   */
  apply(tx: ProjectionTransaction, events: readonly DomainEvent[]): Promise<void>;
}
