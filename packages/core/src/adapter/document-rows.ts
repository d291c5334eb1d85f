/**
 * What the SQL adapters' document statements share: the key of a projection version's documents,
 * a row as stored, and a filter as the statements take it.
 */

/** One version of one projection: whose documents a statement touches. */
export interface DocumentScope {
  readonly projection: string;
  readonly version: number;
}

/** A stored document as its row holds it: the id and the JSON text. */
export interface DocumentRow {
  readonly id: string;
  readonly data: string;
}

/** Equality on top-level fields: field name → the value's JSON text, in the filter's order. */
export type EncodedFilter = ReadonlyArray<readonly [field: string, json: string]>;

/** A filter (validated by core: identifier names, scalar values) as the statements take it. */
export const encodeFilter = (filter: Readonly<Record<string, unknown>>): EncodedFilter =>
  Object.entries(filter).map(([field, value]) => [field, JSON.stringify(value)] as const);
