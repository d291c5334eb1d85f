import {
  APPEND_EVENTS_PARAMETERS,
  CHECK_EVENT_COUNT,
  insertEvents,
  lockStreamRow,
  RETURN_APPENDED,
  reportUnmetExpectation,
} from './append-function-parts';
import { batchParameter } from './batch-parameter';
import { consumingTables } from './consuming-tables';
import { exclusivePositionBlocks } from './exclusive-position-blocks';
import { notifyAfterCommit } from './notify-after-commit';
import { POSITION_INDEX_BITS } from './positions';
import { projectionDocuments } from './projection-documents';

/** One step of the schema's history. Applied once, in `version` order, inside one transaction. */
export interface Migration {
  /** 1, 2, 3, … — never reused, never edited once released. */
  readonly version: number;
  /** A short description, stored in the migrations table. */
  readonly name: string;
  /** The DDL, given the quoted schema identifier (e.g. `"chronicle"`). */
  readonly sql: (schema: string) => string;
}

const MULTIPLIER = 2 ** POSITION_INDEX_BITS;

/**
 * Version 1: the whole store.
 *
 * - `position_clock` holds the offset added to transaction ids when making positions; it is 0 until
 *   a logical restore moves the transaction counter backwards (see `realignPositionClock`).
 * - `streams` holds each stream's current version: appends lock that one row, so two appends to the
 *   same stream serialise and appends to different streams never wait for each other.
 * - `events` is the log, append-only by trigger.
 */
const initialSchema: Migration = {
  version: 1,
  name: 'events, streams, snapshots, event_types, append function, append-only trigger',
  sql: (s) => `
CREATE TABLE ${s}.position_clock (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  xid_offset bigint  NOT NULL DEFAULT 0
);
INSERT INTO ${s}.position_clock DEFAULT VALUES;

CREATE TABLE ${s}.streams (
  aggregate_type text    NOT NULL,
  aggregate_id   text    NOT NULL,
  version        integer NOT NULL CHECK (version >= 1),
  last_position  bigint  NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id)
) WITH (fillfactor = 80);

CREATE TABLE ${s}.events (
  position       bigint      NOT NULL,
  event_id       text        NOT NULL,
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  version        integer     NOT NULL CHECK (version >= 1),
  event_type     text        NOT NULL,
  event_data     jsonb       NOT NULL,
  schema_version integer     NOT NULL CHECK (schema_version >= 1),
  occurred_at    timestamptz NOT NULL,
  user_id        text,
  correlation_id text,
  causation_id   text,
  metadata       jsonb,
  recorded_at    timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT events_pkey PRIMARY KEY (position),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (aggregate_type, aggregate_id, version)
);
CREATE INDEX events_event_type_position_idx ON ${s}.events (event_type, position);

CREATE TABLE ${s}.snapshots (
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  version        integer     NOT NULL CHECK (version >= 1),
  schema_version integer     NOT NULL CHECK (schema_version >= 1),
  state          jsonb       NOT NULL,
  created_at     timestamptz NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id)
);

CREATE TABLE ${s}.event_types (
  event_type     text        NOT NULL,
  schema_version integer     NOT NULL CHECK (schema_version >= 1),
  aggregate_type text        NOT NULL,
  json_schema    jsonb       NOT NULL,
  description    text,
  registered_at  timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_type, schema_version)
);

-- Positions below this are settled: every transaction that could still commit has an id at or above
-- the snapshot's xmin, so it can only write positions at or above the horizon.
CREATE FUNCTION ${s}.read_horizon() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + xid_offset) * ${MULTIPLIER}
  FROM ${s}.position_clock
$fn$;

-- One round trip per append. p_expected: n >= 0 exact version, -1 'any', -2 'stream_exists'.
-- Returns ok = false and the actual version when the expected version does not hold (nothing written).
CREATE FUNCTION ${s}.append_events(
${APPEND_EVENTS_PARAMETERS}DECLARE
  v_count   integer := cardinality(p_event_ids);
  v_base    bigint;
  v_version bigint;
  v_first   bigint;
BEGIN
${CHECK_EVENT_COUNT}  SELECT (pg_current_xact_id()::text::bigint + c.xid_offset) * ${MULTIPLIER} INTO v_base
    FROM ${s}.position_clock c;

  -- Lock the stream's row (or create it). Positions continue above the stream's last one: a
  -- transaction with a lower id may get the row after one with a higher id, and versions must still
  -- rise with positions. Starting at or above this transaction's own base keeps the read horizon
  -- sound: nothing this transaction writes can land below it.
${lockStreamRow(s)}
${reportUnmetExpectation(s)}
${insertEvents(s)}
  -- Assigning the OUT columns directly is cheaper than RETURN QUERY (no extra statement to run).
${RETURN_APPENDED}
CREATE FUNCTION ${s}.reject_history_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'chronicle: %.% is append-only: % is not allowed, events are history and cannot be rewritten',
      TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Append a compensating event instead; change how old events read with an upcaster.';
END
$fn$;

CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.events
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.reject_history_rewrite();
`,
};

/** Every migration, oldest first. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  exclusivePositionBlocks,
  consumingTables,
  projectionDocuments,
  notifyAfterCommit,
  batchParameter,
];
