import { MAX_EVENTS_PER_APPEND } from './positions';

/**
 * The parts of `append_events` that every version of the function shares, as SQL text (`s` is the
 * quoted schema). Migrations splice them into their `CREATE [OR REPLACE] FUNCTION`, so a released
 * migration keeps producing exactly the text it always did while a new one changes only what differs.
 */

/** The parameter list and return type, from the first parameter to `LANGUAGE plpgsql AS $fn$`. */
export const APPEND_EVENTS_PARAMETERS = `  p_aggregate_type  text,
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
`;

/** Rejects an empty or over-long batch. */
export const CHECK_EVENT_COUNT = `  IF v_count < 1 OR v_count > ${MAX_EVENTS_PER_APPEND} THEN
    RAISE EXCEPTION 'chronicle: an append carries 1 to ${MAX_EVENTS_PER_APPEND} events, got %', v_count
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
`;

/**
 * Locks the stream's row (or creates it) and checks the expected version in the same statement,
 * setting `v_version` and `v_first` (both NULL when the expected version does not hold).
 */
export const lockStreamRow = (s: string): string => `  IF p_expected = 0 THEN
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
`;

/**
 * Returns the actual version (and whether an id is stored) when the expected version did not hold.
 * `eventIds` is the SQL expression of the batch's ids as a `text[]`.
 */
export const reportUnmetExpectation = (
  s: string,
  eventIds = 'p_event_ids',
): string => `  -- The expected version does not hold: nothing was written. Report the actual version, and whether
  -- any of the ids is already stored (then the caller applies the idempotency rule; if none is, it
  -- has all it needs for a ConcurrencyError without another round trip).
  IF v_version IS NULL THEN
    RETURN QUERY SELECT false, COALESCE((SELECT st.version::bigint FROM ${s}.streams st
      WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id), 0::bigint),
      NULL::bigint, NULL::bigint,
      EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = ANY(${eventIds}));
    RETURN;
  END IF;
`;

/** Inserts the batch at `v_first`, `v_first + 1`, … with versions after `v_version`. */
export const insertEvents = (
  s: string,
): string => `  INSERT INTO ${s}.events (position, event_id, aggregate_type, aggregate_id, version, event_type,
      event_data, schema_version, occurred_at, user_id, correlation_id, causation_id, metadata)
    SELECT v_first + t.n - 1, t.event_id, p_aggregate_type, p_aggregate_id, v_version + t.n, t.event_type,
      t.event_data::jsonb, t.schema_version, t.occurred_at, t.user_id, t.correlation_id, t.causation_id,
      t.metadata::jsonb
    FROM unnest(p_event_ids, p_event_types, p_event_data, p_schema_versions, p_occurred_at, p_user_ids,
      p_correlation_ids, p_causation_ids, p_metadata)
      WITH ORDINALITY AS t(event_id, event_type, event_data, schema_version, occurred_at, user_id,
        correlation_id, causation_id, metadata, n);
`;

/** Returns the appended range and ends the function body. */
export const RETURN_APPENDED = `  ok := true;
  stream_version := v_version + v_count;
  first_position := v_first;
  last_position := v_first + v_count - 1;
  ids_stored := false;
  RETURN NEXT;
END
$fn$;
`;

/**
 * The batch's fields as they travel in `append_events`' single `jsonb` parameter (migration 6): one
 * object per event. The keys are one letter because the server parses every byte of them for every
 * event; a field that is absent (`undefined` in JavaScript) is stored as `NULL`, except
 * `occurredAt`, which is then the function's `p_occurred_at`.
 */
export const BATCH_KEYS = {
  eventId: 'i',
  eventType: 't',
  eventData: 'd',
  schemaVersion: 'v',
  occurredAt: 'o',
  userId: 'u',
  correlationId: 'c',
  causationId: 'k',
  metadata: 'm',
} as const;

const k = BATCH_KEYS;

/**
 * Migration 6's parameter list: the stream, the expected version, the batch's usual `occurred_at`
 * and the events as one `jsonb` array.
 */
export const APPEND_BATCH_PARAMETERS = `  p_aggregate_type  text,
  p_aggregate_id    text,
  p_expected        bigint,
  p_occurred_at     timestamptz,
  p_events          jsonb
) RETURNS TABLE (ok boolean, stream_version bigint, first_position bigint, last_position bigint,
  ids_stored boolean)
LANGUAGE plpgsql AS $fn$
`;

/** The ids of migration 6's batch as a `text[]` (read only when the expected version did not hold). */
export const BATCH_EVENT_IDS = `ARRAY(SELECT x->>'${k.eventId}' FROM jsonb_array_elements(p_events) AS x)`;

/**
 * {@link insertEvents} for migration 6's `jsonb` batch. Fields are taken with `->` and `->>`, not
 * with `jsonb_to_recordset`: that turns a JSON `null` into SQL `NULL`, and `null` is valid event data
 * (`->` keeps it as the `jsonb` value `null`; an absent key still reads as SQL `NULL`). An event
 * without its own `occurred_at` has the batch's, `p_occurred_at`: parsing a `timestamptz` is a
 * measured share of the server's work per event, and the events of a batch mostly share one.
 */
export const insertEventsFromBatch = (
  s: string,
): string => `  INSERT INTO ${s}.events (position, event_id, aggregate_type, aggregate_id, version, event_type,
      event_data, schema_version, occurred_at, user_id, correlation_id, causation_id, metadata)
    SELECT v_first + t.n - 1, t.x->>'${k.eventId}', p_aggregate_type, p_aggregate_id, v_version + t.n,
      t.x->>'${k.eventType}', t.x->'${k.eventData}', (t.x->>'${k.schemaVersion}')::integer,
      COALESCE((t.x->>'${k.occurredAt}')::timestamptz, p_occurred_at), t.x->>'${k.userId}', t.x->>'${k.correlationId}',
      t.x->>'${k.causationId}', t.x->'${k.metadata}'
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(x, n);
`;
