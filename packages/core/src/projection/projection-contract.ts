/**
 * Projections and read-model documents, as applications see them: a typed definition, the document
 * API handlers write through, and what readers and rebuilds report. The storage side an adapter
 * implements is in `projection-storage.ts`.
 */
import type { AggregateEvent, EventDataOf, EventTypeOf } from '../aggregate/aggregate-event';
import type { DomainEvent, JsonValue } from '../contract/types';

/** A read-model document: a JSON object (the same rules as event data: no `undefined`, no cycles, …). */
export type JsonDocument = { readonly [key: string]: JsonValue };

/** A stored event as a projection handler sees it: a `DomainEvent` whose type and data are typed. */
export type ProjectedEvent<Type extends string = string, Data = unknown> = Omit<
  DomainEvent,
  'eventType' | 'eventData'
> & {
  readonly eventType: Type;
  readonly eventData: Data;
};

/**
 * Equality on top-level fields: a document matches when every listed field is present and equal
 * (as JSON) to the given scalar. `{}` matches every document.
 */
export type DocumentFilter<T extends JsonDocument> = {
  readonly [K in keyof T]?: Extract<T[K], string | number | boolean | null>;
};

/** Options of {@link DocumentCollection.find}. */
export interface FindOptions {
  /** At most this many documents, a positive integer. Default: all. */
  readonly limit?: number;
  /**
   * A hint naming the field whose index should serve the query (declared in the projection's
   * `indexes`). Adapters that can choose an index use it; the result is the same either way.
   */
  readonly index?: string;
}

/** Read access to one collection of documents. Every read returns a fresh copy. */
export interface DocumentReader<T extends JsonDocument> {
  /** The document with this id, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /** The documents matching `filter`, in id order. */
  find(filter?: DocumentFilter<T>, options?: FindOptions): Promise<T[]>;
  /** How many documents match `filter`. */
  count(filter?: DocumentFilter<T>): Promise<number>;
}

/**
 * One collection of JSON documents keyed by id, inside a projection handler: every write is part of
 * the handler's transaction (the append's for an inline projection; the batch's, with the
 * checkpoint, for an async one) and is rolled back with it.
 *
 * Ids are non-empty strings of at most `MAX_IDENTIFIER_LENGTH` characters; documents follow the
 * rules of event data. A bad id or document throws `InvalidArgumentError` and writes nothing.
 */
export interface DocumentCollection<T extends JsonDocument> extends DocumentReader<T> {
  /** Stores `document` under `id`, replacing any document there. */
  put(id: string, document: T): Promise<void>;
  /**
   * Merges `changes` into the top level of the document under `id` and returns the result;
   * `undefined` (and nothing written) when there is none.
   */
  patch(id: string, changes: Partial<T>): Promise<T | undefined>;
  /** Removes the document under `id`; `false` when there was none. */
  delete(id: string): Promise<boolean>;
}

/** What a projection handler receives besides the event. */
export interface ProjectionContext {
  /**
   * A collection of this projection's documents. `collection` is an identifier
   * (`/^[A-Za-z_][A-Za-z0-9_]*$/`, at most 63 characters); collections of different projections
   * (and of different versions of one projection) never mix.
   */
  documents<T extends JsonDocument>(collection: string): DocumentCollection<T>;
  /**
   * The adapter's own transaction, for power users' own tables: the `pg` client inside the
   * transaction on PostgreSQL, the better-sqlite3 `Database` (inside its transaction) on SQLite,
   * `undefined` in memory. Whatever you write through it commits or rolls back with the documents.
   * Document writes made through `documents` reach the database when the batch (or inline append)
   * ends, or before a `find` or `count`: do not read Chronicle's document tables through `raw`.
   */
  readonly raw: unknown;
}

/** One handler: apply one event to the read model through `context`. */
export type ProjectionHandler<Type extends string, Data> = (
  event: ProjectedEvent<Type, Data>,
  context: ProjectionContext,
) => Promise<void> | void;

/**
 * One handler per event type of the union `E`, checked by the compiler like `AggregateRoot`'s
 * handlers and a decider's `evolve`: a missing or misspelt type does not compile. The handled event
 * types are exactly these keys.
 */
export type ProjectionHandlers<E extends AggregateEvent> = {
  readonly [Type in EventTypeOf<E>]: ProjectionHandler<Type, EventDataOf<E, Type>>;
};

/** What {@link defineProjection} takes. */
export interface ProjectionDefinitionInput<E extends AggregateEvent> {
  /** The projection's name: an identifier (`/^[A-Za-z_][A-Za-z0-9_]*$/`, at most 63 characters). */
  readonly name: string;
  /**
   * A positive integer. Bump it when the handlers change what they write: the new version is built
   * side by side from the start of the log and replaces the old one atomically once caught up.
   */
  readonly version: number;
  /** One handler per event type. */
  readonly handlers: ProjectionHandlers<E>;
  /** Only events of these aggregate types (in addition to the handled event types). Default: all. */
  readonly aggregateTypes?: readonly string[];
  /** Top-level fields to index, per collection: `{ orders: ['status'] }`. */
  readonly indexes?: { readonly [collection: string]: readonly string[] };
  /** Runs once in the transaction that starts a new version (create your own tables through `context.raw`). */
  readonly setup?: (context: ProjectionContext) => Promise<void> | void;
  /** Runs in the transaction that drops a retired version's data (drop your own tables). */
  readonly teardown?: (context: ProjectionContext) => Promise<void> | void;
}

/** A validated projection, ready to register inline on a store or to run async. */
export interface ProjectionDefinition<E extends AggregateEvent = AggregateEvent>
  extends ProjectionDefinitionInput<E> {
  /** The handled event types (the handlers' keys), in definition order. */
  readonly eventTypes: readonly string[];
}

/**
 * Any projection, whatever its events: what stores, processors and rebuilds accept (handler
 * parameters make definitions of different event unions incompatible otherwise).
 */
// biome-ignore lint/suspicious/noExplicitAny: the handlers' event type must not constrain who runs them
export type AnyProjectionDefinition = ProjectionDefinition<any>;

/** How far a rebuild has come, reported after every batch. */
export interface RebuildProgress {
  /** Events examined so far (positions passed, filtered-out ones included). */
  readonly done: bigint;
  /** Events to examine in all (the head when the rebuild started, minus its start). */
  readonly total: bigint;
  /** Events per second since the rebuild (or its resumption) began. */
  readonly rate: number;
  /** Estimated seconds left (`undefined` until a rate is known). */
  readonly etaSeconds: number | undefined;
}

/** A projection version's place in its life. */
export type ProjectionVersionStatus = 'building' | 'active' | 'retired';

/** One stored version of a projection. */
export interface ProjectionVersion {
  /** The projection's name. */
  readonly name: string;
  /** Its version. */
  readonly version: number;
  /**
   * `'building'`: being built from the log, not read; `'active'`: the version readers see (at most
   * one per name); `'retired'`: replaced, its documents kept on request.
   */
  readonly status: ProjectionVersionStatus;
}
