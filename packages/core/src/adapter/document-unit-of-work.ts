import type { DomainEvent, StreamRef } from '../contract/types';
import { InvalidArgumentError } from '../errors';
import { assertIdentifier, type PreparedEvent } from '../validation/arguments';
import { assertJsonValue } from '../validation/json';

/** A document filter: equality on top-level fields, each value a string, finite number, boolean or null. */
export type DocumentFilter = Readonly<Record<string, string | number | boolean | null>>;

/** Field name → the value's JSON text, in the filter's key order: what the SQL statements take. */
export type EncodedFilter = ReadonlyArray<readonly [field: string, json: string]>;

/** A stored document as a row holds it. */
export interface DocumentRow {
  readonly id: string;
  readonly data: string;
}

/** The final write of one document: its new JSON text, or `null` to delete it. */
export type DocumentWrite = readonly [collection: string, id: string, json: string | null];

/** What a unit of work reads the committed documents of its projection version through. */
export interface CommittedDocuments {
  get(collection: string, id: string): Promise<string | undefined>;
  /** Every matching document, ordered by id (used when the unit of work has writes to merge in). */
  findAll(collection: string, filter: EncodedFilter): Promise<DocumentRow[]>;
  find(collection: string, filter: EncodedFilter, after: string, limit: number): Promise<DocumentRow[]>;
  count(collection: string, filter: EncodedFilter): Promise<number>;
}

/** The longest document id. */
export const MAX_DOCUMENT_ID_LENGTH = 255;
/** Collection and filter field names: a letter or `_`, then letters, digits and `_` (they end up in index names). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The documents a handler run writes, kept in memory until the run commits: reads see the run's own
 * writes, and the writes reach the database as one list of final states (one per document), applied
 * in the transaction that also moves the checkpoint or appends the events. A run that throws simply
 * drops its unit of work: nothing was written.
 */
export class DocumentUnitOfWork {
  readonly #committed: CommittedDocuments;
  /** collection → id → JSON text, or `null` once deleted. */
  readonly #written = new Map<string, Map<string, string | null>>();

  constructor(committed: CommittedDocuments) {
    this.#committed = committed;
  }

  async get(collection: string, id: string): Promise<unknown> {
    assertDocumentKey(collection, id);
    const written = this.#written.get(collection)?.get(id);
    const json = written !== undefined ? written : await this.#committed.get(collection, id);
    return json === null || json === undefined ? undefined : JSON.parse(json);
  }

  put(collection: string, id: string, document: unknown): void {
    assertDocumentKey(collection, id);
    assertDocument(document, 'document');
    this.#write(collection, id, JSON.stringify(document));
  }

  /**
   * Merges `fields` into the stored document's top level (a missing document is created from them).
   * @returns the document as now written
   */
  async patch(collection: string, id: string, fields: unknown): Promise<unknown> {
    assertDocumentKey(collection, id);
    assertDocument(fields, 'fields');
    const current = (await this.get(collection, id)) as Record<string, unknown> | undefined;
    const merged = { ...current, ...(fields as Record<string, unknown>) };
    this.#write(collection, id, JSON.stringify(merged));
    return JSON.parse(JSON.stringify(merged));
  }

  delete(collection: string, id: string): void {
    assertDocumentKey(collection, id);
    this.#write(collection, id, null);
  }

  async find(
    collection: string,
    filter: DocumentFilter,
    after: string,
    limit: number,
  ): Promise<DocumentRow[]> {
    assertCollection(collection);
    const encoded = encodeFilter(filter);
    const written = this.#written.get(collection);
    if (written === undefined) return this.#committed.find(collection, encoded, after, limit);
    const rows = mergeWritten(await this.#committed.findAll(collection, encoded), written, encoded);
    return rows.filter((row) => row.id > after).slice(0, limit);
  }

  async count(collection: string, filter: DocumentFilter): Promise<number> {
    assertCollection(collection);
    const encoded = encodeFilter(filter);
    const written = this.#written.get(collection);
    if (written === undefined) return this.#committed.count(collection, encoded);
    return mergeWritten(await this.#committed.findAll(collection, encoded), written, encoded).length;
  }

  /** Every document written, once, with its final state. */
  writes(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const [collection, documents] of this.#written) {
      for (const [id, json] of documents) writes.push([collection, id, json]);
    }
    return writes;
  }

  #write(collection: string, id: string, json: string | null): void {
    let documents = this.#written.get(collection);
    if (documents === undefined) {
      documents = new Map();
      this.#written.set(collection, documents);
    }
    documents.set(id, json);
  }
}

/** The committed rows with this run's writes laid over them, still filtered and ordered by id. */
function mergeWritten(
  committed: readonly DocumentRow[],
  written: ReadonlyMap<string, string | null>,
  filter: EncodedFilter,
): DocumentRow[] {
  const rows = committed.filter((row) => !written.has(row.id));
  for (const [id, json] of written) {
    if (json !== null && matches(JSON.parse(json) as Record<string, unknown>, filter))
      rows.push({ id, data: json });
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The same equality the SQL applies: the field is present and its JSON equals the filter's. */
function matches(document: Record<string, unknown>, filter: EncodedFilter): boolean {
  return filter.every(
    ([field, json]) => Object.hasOwn(document, field) && JSON.stringify(document[field]) === json,
  );
}

/** Throws {@link InvalidArgumentError} unless `filter` is equality on plain top-level field names. */
export function encodeFilter(filter: unknown): EncodedFilter {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new InvalidArgumentError('filter', 'must be an object of field → value');
  }
  return Object.entries(filter).map(([field, value]) => {
    if (!NAME.test(field)) {
      throw new InvalidArgumentError(
        `filter.${field}`,
        'must be a plain field name (a letter or _, then letters, digits or _; at most 63 characters)',
      );
    }
    const scalar =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!scalar) {
      throw new InvalidArgumentError(`filter.${field}`, 'must be a string, finite number, boolean or null');
    }
    if (typeof value === 'string') assertJsonValue(value, `filter.${field}`);
    return [field, JSON.stringify(value)] as const;
  });
}

/** Throws {@link InvalidArgumentError} unless `collection` is a plain name. */
export function assertCollection(collection: unknown): asserts collection is string {
  if (typeof collection !== 'string' || !NAME.test(collection)) {
    throw new InvalidArgumentError(
      'collection',
      `must be a plain name (a letter or _, then letters, digits or _; at most 63 characters), got ${JSON.stringify(collection)}`,
    );
  }
}

function assertDocumentKey(collection: unknown, id: unknown): void {
  assertCollection(collection);
  assertIdentifier(id, 'id');
}

/** Throws {@link InvalidArgumentError} unless `document` is a plain object JSON keeps as it is. */
function assertDocument(document: unknown, argument: string): void {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InvalidArgumentError(argument, 'must be a plain object');
  }
  assertJsonValue(document, argument);
}

/**
 * Whose documents a unit of work holds: one version of one projection. Two versions of a projection
 * live side by side during a rebuild, so the version is part of every key.
 */
export interface DocumentScope {
  readonly projection: string;
  readonly version: number;
}

/** The units of work of one handler run, one per projection version it writes (inline: several). */
export class DocumentSession {
  readonly #committed: (scope: DocumentScope) => CommittedDocuments;
  readonly #units = new Map<string, { scope: DocumentScope; work: DocumentUnitOfWork }>();

  constructor(committed: (scope: DocumentScope) => CommittedDocuments) {
    this.#committed = committed;
  }

  /** The unit of work of `scope`, created on first use. */
  documents(scope: DocumentScope): DocumentUnitOfWork {
    const key = `${scope.version}:${scope.projection}`;
    let unit = this.#units.get(key);
    if (unit === undefined) {
      unit = { scope, work: new DocumentUnitOfWork(this.#committed(scope)) };
      this.#units.set(key, unit);
    }
    return unit.work;
  }

  /** Every write of the run, with its scope. */
  writes(): Array<readonly [DocumentScope, DocumentWrite]> {
    return [...this.#units.values()].flatMap(({ scope, work }) =>
      work.writes().map((write) => [scope, write] as const),
    );
  }
}

/**
 * Prepared events as an append stores them at `firstPosition` (positions and versions consecutive),
 * for inline projections, which run on the events of the append they commit with.
 */
export function asStoredEvents(
  stream: StreamRef,
  events: readonly PreparedEvent[],
  first: { readonly version: number; readonly position: bigint },
): DomainEvent[] {
  return events.map((event, i) => ({
    eventId: event.eventId,
    aggregateType: stream.aggregateType,
    aggregateId: stream.aggregateId,
    eventType: event.eventType,
    eventData: event.eventData,
    schemaVersion: event.schemaVersion,
    version: first.version + i,
    position: first.position + BigInt(i),
    occurredAt: event.occurredAt,
    ...(event.userId !== undefined && { userId: event.userId }),
    ...(event.correlationId !== undefined && { correlationId: event.correlationId }),
    ...(event.causationId !== undefined && { causationId: event.causationId }),
    ...(event.metadata !== undefined && { metadata: event.metadata as Record<string, unknown> }),
  }));
}
