import type { CollectionAddress, DocumentFieldFilter, DocumentRow } from '@chronicle/core/adapter';
import type { ScopedWrite } from './sql/documents';

/** What the buffer reads from the table, inside the transaction. */
export interface TableReads {
  get(at: CollectionAddress, id: string): Promise<string | undefined>;
  /** Matching rows in id order, at most `limit` (`undefined`: all). */
  find(at: CollectionAddress, filter: DocumentFieldFilter, limit: number | undefined): Promise<DocumentRow[]>;
  count(at: CollectionAddress, filter: DocumentFieldFilter): Promise<number>;
}

/**
 * A transaction's document writes, kept in memory until its COMMIT: reads see them (laid over what
 * the transaction reads from the table), and they reach the table as one statement of final states,
 * sent with the COMMIT — one round trip for all the writes of a batch or an inline append.
 */
export class BufferedDocumentWrites {
  readonly #table: TableReads;
  /** `projection/version/collection` → id → JSON text, or `null` once deleted. */
  readonly #written = new Map<string, { at: CollectionAddress; documents: Map<string, string | null> }>();

  /** @param table - reads inside the transaction (they see everything but the buffered writes) */
  constructor(table: TableReads) {
    this.#table = table;
  }

  async get(at: CollectionAddress, id: string): Promise<string | undefined> {
    const written = this.#of(at)?.get(id);
    return written === undefined ? this.#table.get(at, id) : (written ?? undefined);
  }

  put(at: CollectionAddress, id: string, json: string): void {
    this.#documents(at).set(id, json);
  }

  /** @returns whether there was a document to delete */
  async delete(at: CollectionAddress, id: string): Promise<boolean> {
    const existed = (await this.get(at, id)) !== undefined;
    this.#documents(at).set(id, null);
    return existed;
  }

  async find(
    at: CollectionAddress,
    filter: DocumentFieldFilter,
    options: { readonly limit: number | undefined; readonly index: string | undefined },
  ): Promise<string[]> {
    const written = this.#of(at);
    if (written === undefined)
      return (await this.#table.find(at, filter, options.limit)).map((row) => row.data);
    const merged = await this.#merged(at, filter, written);
    return merged.slice(0, options.limit ?? merged.length).map((row) => row.data);
  }

  async count(at: CollectionAddress, filter: DocumentFieldFilter): Promise<number> {
    const written = this.#of(at);
    if (written === undefined) return this.#table.count(at, filter);
    return (await this.#merged(at, filter, written)).length;
  }

  /** Forgets the buffered writes of a projection version (its documents are being dropped). */
  forget(projection: string, version: number): void {
    for (const [key, { at }] of this.#written) {
      if (at.projection === projection && at.version === version) this.#written.delete(key);
    }
  }

  /** Every buffered write, once per document, with its final state. */
  writes(): ScopedWrite[] {
    return [...this.#written.values()].flatMap(({ at, documents }) =>
      [...documents].map(([id, json]) => [at, [at.collection, id, json]] as const),
    );
  }

  /** The matching documents, the buffered writes laid over the table's, in id order. */
  async #merged(
    at: CollectionAddress,
    filter: DocumentFieldFilter,
    written: ReadonlyMap<string, string | null>,
  ): Promise<DocumentRow[]> {
    // A handler that filters a collection it has just written is rare: all matches are read then.
    const rows = (await this.#table.find(at, filter, undefined)).filter((row) => !written.has(row.id));
    for (const [id, data] of written) {
      if (data !== null && matches(JSON.parse(data) as Record<string, unknown>, filter))
        rows.push({ id, data });
    }
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #of(at: CollectionAddress): Map<string, string | null> | undefined {
    return this.#written.get(key(at))?.documents;
  }

  #documents(at: CollectionAddress): Map<string, string | null> {
    let entry = this.#written.get(key(at));
    if (entry === undefined) {
      entry = { at, documents: new Map() };
      this.#written.set(key(at), entry);
    }
    return entry.documents;
  }
}

const key = (at: CollectionAddress): string => `${at.projection}/${at.version}/${at.collection}`;

/** The table's equality: the field is present and equal as JSON (numbers numerically). */
function matches(document: Record<string, unknown>, filter: DocumentFieldFilter): boolean {
  return Object.entries(filter).every(
    ([field, value]) => Object.hasOwn(document, field) && document[field] === value,
  );
}
