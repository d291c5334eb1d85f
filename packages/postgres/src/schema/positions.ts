/**
 * How positions are made (see `docs/postgres.md`, "Ordering"): the high bits are the writing
 * transaction's id (`pg_current_xact_id()`, plus an offset that only changes after a logical
 * restore), the low {@link POSITION_INDEX_BITS} bits the event's index within its append. A reader
 * only returns positions below `(pg_snapshot_xmin(pg_current_snapshot()) + offset) << 16`: every
 * transaction that could still commit has an id at or above that xmin, so nothing it writes can
 * land below what a reader has already passed.
 */
export const POSITION_INDEX_BITS = 16;

/** The most events one append may carry: one per low-bits value. */
export const MAX_EVENTS_PER_APPEND = 2 ** POSITION_INDEX_BITS;
