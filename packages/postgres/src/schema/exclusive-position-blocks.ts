import {
  APPEND_EVENTS_PARAMETERS,
  CHECK_EVENT_COUNT,
  insertEvents,
  lockStreamRow,
  RETURN_APPENDED,
  reportUnmetExpectation,
} from './append-function-parts';
import type { Migration } from './migrations';
import { POSITION_INDEX_BITS } from './positions';

const MULTIPLIER = 2 ** POSITION_INDEX_BITS;

/**
 * Version 2: `append_events` never writes a position another transaction may write.
 *
 * Version 1 continued a stream at its last position + 1 when that was above the transaction's own
 * base. Under a queue of writers on one stream, a transaction with a lower id that got the row after
 * a higher one continued inside the higher one's block of 65,536 positions, and a big batch ran over
 * into the *next* transaction id's block: a primary-key collision (23505 on `events_pkey`).
 *
 * Now an append's positions always lie in one block that only it can write:
 * 1. its transaction's own block, when the stream's last position is below it (the usual case);
 * 2. else the rest of the block holding the stream's last position, when the batch fits there —
 *    that block's transaction has committed (this one holds the row it locked), and only appends
 *    holding this stream's row continue in it;
 * 3. else a fresh block: the id of a subtransaction started now. Ids come from one counter, so it
 *    is above every id that wrote a position so far (and so above the stream's last position), and
 *    it belongs to this transaction alone. The read horizon still counts this transaction's
 *    top-level id, which is lower, so readers stay below the new positions until it commits.
 *
 * See `docs/postgres.md`, "Ordering", for the proof.
 */
export const exclusivePositionBlocks: Migration = {
  version: 2,
  name: 'append function: every append writes positions in a block of its own (no position collisions)',
  sql: (s) => appendEventsInOwnBlocks(s, ''),
};

/** How an `append_events` receives its batch: the parts of its text that depend on that. */
export interface BatchShape {
  /** The parameter list, from the first parameter to `LANGUAGE plpgsql AS $fn$`. */
  readonly parameters: string;
  /** The number of events, as an SQL expression. */
  readonly count: string;
  /** The ids, as an SQL `text[]` expression. */
  readonly eventIds: string;
  /** The `INSERT` of the batch into `events`, given the quoted schema. */
  readonly insert: (s: string) => string;
}

/** Versions 2 to 5: one array per column. */
export const ARRAYS_SHAPE: BatchShape = {
  parameters: APPEND_EVENTS_PARAMETERS,
  count: 'cardinality(p_event_ids)',
  eventIds: 'p_event_ids',
  insert: insertEvents,
};

/**
 * The `append_events` of version 2, with `beforeReturn` spliced in after the insert (version 3 adds
 * its NOTIFY there), for a batch of `shape` (version 6 adds the `jsonb` batch). With `''` and
 * {@link ARRAYS_SHAPE} it is exactly the text version 2 was released with.
 */
export const appendEventsInOwnBlocks = (
  s: string,
  beforeReturn: string,
  shape: BatchShape = ARRAYS_SHAPE,
): string => `
CREATE OR REPLACE FUNCTION ${s}.append_events(
${shape.parameters}DECLARE
  v_count   integer := ${shape.count};
  v_xid     bigint;
  v_offset  bigint;
  v_base    bigint;
  v_version bigint;
  v_first   bigint;
  v_subxid  bigint;
BEGIN
${CHECK_EVENT_COUNT}  SELECT pg_current_xact_id()::text::bigint, c.xid_offset INTO v_xid, v_offset FROM ${s}.position_clock c;
  v_base := (v_xid + v_offset) * ${MULTIPLIER};

  -- Lock the stream's row (or create it) and check the expected version in the same statement.
  -- Positions continue above the stream's last one (versions must rise with positions); see below
  -- for where they may go.
${lockStreamRow(s)}
${reportUnmetExpectation(s, shape.eventIds)}
  -- v_first is either this transaction's base (its own block) or the stream's last position + 1
  -- inside the block of a transaction that has committed. The batch must not leave that block: the
  -- next one belongs to another transaction id. If it would, take a block of this transaction's
  -- own that is above every position written so far: a subtransaction's id, assigned now.
  IF v_first > v_base
     AND (v_first + v_count - 1) / ${MULTIPLIER} <> (v_first - 1) / ${MULTIPLIER} THEN
    BEGIN
      -- A write inside a block with an EXCEPTION clause runs in a subtransaction, which gets its
      -- own id; the new row version carries it as xmin (32 bits: widened with this transaction's
      -- epoch, as subtransaction ids are at most 2^31 above the top-level id).
      UPDATE ${s}.streams AS st SET last_position = st.last_position
        WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id
        RETURNING st.xmin::text::bigint INTO v_subxid;
    EXCEPTION WHEN OTHERS THEN
      RAISE;
    END;
    v_subxid := v_xid + ((v_subxid - v_xid % 4294967296 + 4294967296) % 4294967296);
    v_first := (v_subxid + v_offset) * ${MULTIPLIER};
    UPDATE ${s}.streams AS st SET last_position = v_first + v_count - 1
      WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id;
  END IF;

${shape.insert(s)}
${beforeReturn}${RETURN_APPENDED}`;
