/**
 * What the CLI reads of projections, beside the port's `versions(name)` and `find`: every stored
 * version of every projection, the collections of one version, and keyset pages of its documents.
 * Both persistent adapters keep them in `projection_versions` and `projection_documents` (keyed by
 * projection, version, collection, id); one reader per adapter queries them read-only.
 */

/** One stored version of a projection. */
export interface ProjectionVersionRow {
  readonly name: string;
  readonly version: number;
  readonly status: 'building' | 'active' | 'retired';
  readonly updatedAt: string;
}

/** One stored document. */
export interface DocumentRow {
  readonly id: string;
  readonly data: unknown;
  readonly updatedAt: string;
}

/** Where a page of documents comes from and where it starts. */
export interface DocumentPageQuery {
  readonly projection: string;
  readonly version: number;
  readonly collection: string;
  /** Ids strictly after this one (keyset), or the first page when undefined. */
  readonly after?: string | undefined;
  readonly limit: number;
}

/** Read-only queries over the projections' tables. */
export interface ProjectionReads {
  /** Whether the store's schema has the projections' tables (an older schema or adapter has not). */
  supported(): Promise<boolean>;
  /** Every stored version, by name then version. */
  versions(): Promise<ProjectionVersionRow[]>;
  /** The collections of one version that hold documents, in name order (one index probe each). */
  collections(projection: string, version: number): Promise<string[]>;
  /** A page of one collection's documents in id order, through the primary key. */
  documents(query: DocumentPageQuery): Promise<DocumentRow[]>;
}
