/**
 * How positions are made (see `docs/postgres.md`, "Ordering"). An append's first position is the
 * larger of its transaction's base — `(pg_current_xact_id() + offset) << 16`, the offset only
 * changing after a logical restore — and the stream's last position + 1; its events take consecutive
 * positions from there. A reader only returns positions below the horizon
 * `(pg_snapshot_xmin(pg_current_snapshot()) + offset) << 16`: every transaction that could still
 * commit has an id at or above that xmin, so nothing it writes can land below what a reader has
 * already passed.
 */
export const POSITION_INDEX_BITS = 16;

/** The most events one append may carry: one transaction's range of positions. */
export const MAX_EVENTS_PER_APPEND = 2 ** POSITION_INDEX_BITS;
