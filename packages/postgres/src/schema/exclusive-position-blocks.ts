import type { Migration } from './migrations';
import { MAX_EVENTS_PER_APPEND, POSITION_INDEX_BITS } from './positions';

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
  sql: (s) => `
CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_aggregate_type  text,
  p_aggregate_id    text,
  p_expected        bigint,
  p_event_ids       text[],
  p_event_types     text[],
  p_event_data      text[],
  p_schema_versions integer[],
  p_occurred_at     timestamptz[],
  p_user_ids        text[],
  p_correlation_ids text[],
  p_causation_ids   text[],
  p_metadata        text[]
) RETURNS TABLE (ok boolean, stream_version bigint, first_position bigint, last_position bigint,
  ids_stored boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count   integer := cardinality(p_event_ids);
  v_xid     bigint;
  v_offset  bigint;
  v_base    bigint;
  v_version bigint;
  v_first   bigint;
  v_subxid  bigint;
BEGIN
  IF v_count < 1 OR v_count > ${MAX_EVENTS_PER_APPEND} THEN
    RAISE EXCEPTION 'chronicle: an append carries 1 to ${MAX_EVENTS_PER_APPEND} events, got %', v_count
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT pg_current_xact_id()::text::bigint, c.xid_offset INTO v_xid, v_offset FROM ${s}.position_clock c;
  v_base := (v_xid + v_offset) * ${MULTIPLIER};

  -- Lock the stream's row (or create it) and check the expected version in the same statement.
  -- Positions continue above the stream's last one (versions must rise with positions); see below
  -- for where they may go.
  IF p_expected = 0 THEN
    INSERT INTO ${s}.streams AS st (aggregate_type, aggregate_id, version, last_position)
      VALUES (p_aggregate_type, p_aggregate_id, v_count, v_base + v_count - 1)
      ON CONFLICT DO NOTHING;
    IF FOUND THEN
      v_version := 0;
      v_first := v_base;
    END IF;
  ELSIF p_expected = -1 THEN
    INSERT INTO ${s}.streams AS st (aggregate_type, aggregate_id, version, last_position)
      VALUES (p_aggregate_type, p_aggregate_id, v_count, v_base + v_count - 1)
      ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
        SET version = st.version + v_count,
            last_position = GREATEST(v_base, st.last_position + 1) + v_count - 1
      RETURNING st.version - v_count, st.last_position - v_count + 1 INTO v_version, v_first;
  ELSE
    UPDATE ${s}.streams AS st
      SET version = st.version + v_count,
          last_position = GREATEST(v_base, st.last_position + 1) + v_count - 1
      WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id
        AND (p_expected = -2 OR st.version = p_expected)
      RETURNING st.version - v_count, st.last_position - v_count + 1 INTO v_version, v_first;
  END IF;

  -- The expected version does not hold: nothing was written. Report the actual version, and whether
  -- any of the ids is already stored (then the caller applies the idempotency rule; if none is, it
  -- has all it needs for a ConcurrencyError without another round trip).
  IF v_version IS NULL THEN
    RETURN QUERY SELECT false, COALESCE((SELECT st.version::bigint FROM ${s}.streams st
      WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id), 0::bigint),
      NULL::bigint, NULL::bigint,
      EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = ANY(p_event_ids));
    RETURN;
  END IF;

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

  INSERT INTO ${s}.events (position, event_id, aggregate_type, aggregate_id, version, event_type,
      event_data, schema_version, occurred_at, user_id, correlation_id, causation_id, metadata)
    SELECT v_first + t.n - 1, t.event_id, p_aggregate_type, p_aggregate_id, v_version + t.n, t.event_type,
      t.event_data::jsonb, t.schema_version, t.occurred_at, t.user_id, t.correlation_id, t.causation_id,
      t.metadata::jsonb
    FROM unnest(p_event_ids, p_event_types, p_event_data, p_schema_versions, p_occurred_at, p_user_ids,
      p_correlation_ids, p_causation_ids, p_metadata)
      WITH ORDINALITY AS t(event_id, event_type, event_data, schema_version, occurred_at, user_id,
        correlation_id, causation_id, metadata, n);

  ok := true;
  stream_version := v_version + v_count;
  first_position := v_first;
  last_position := v_first + v_count - 1;
  ids_stored := false;
  RETURN NEXT;
END
$fn$;
`,
};
