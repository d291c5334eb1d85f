import { EVENT_COLUMNS } from './event-row';

/**
 * Every SQL statement the store sends, built once per store for its quoted schema. Values are always
 * parameters (`$1`…); only the validated, quoted schema identifier is part of the text.
 */
export interface Statements {
  readonly append: string;
  readonly streamHead: string;
  readonly storedEventIds: string;
  readonly streamVersion: string;
  readonly eventsAfter: string;
  readonly streamPageForward: string;
  readonly streamPageBackward: string;
  readonly eventsByType: string;
  readonly eventsByTypeSince: string;
  readonly eventsByTypes: string;
  readonly eventsByTypesSince: string;
  readonly readAllPage: (filterAggregateTypes: boolean, filterEventTypes: boolean) => string;
  readonly getSnapshot: string;
  readonly saveSnapshot: string;
}

/** Builds the statements for the schema `s` (already quoted). */
export function buildStatements(s: string): Statements {
  const readAllPages = new Map<string, string>();
  return {
    append: `SELECT ok, stream_version, first_position, last_position, ids_stored FROM ${s}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    streamHead: `SELECT version, last_position FROM ${s}.streams WHERE aggregate_type = $1 AND aggregate_id = $2`,
    storedEventIds: `SELECT event_id, aggregate_type, aggregate_id, version, position FROM ${s}.events WHERE event_id = ANY($1::text[])`,
    streamVersion: `SELECT version FROM ${s}.streams WHERE aggregate_type = $1 AND aggregate_id = $2`,
    eventsAfter: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE aggregate_type = $1 AND aggregate_id = $2 AND version > $3::int8 ORDER BY version`,
    streamPageForward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE aggregate_type = $1 AND aggregate_id = $2 AND version > $3::int8 ORDER BY version LIMIT $4`,
    streamPageBackward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE aggregate_type = $1 AND aggregate_id = $2 AND version < $3::int8 ORDER BY version DESC LIMIT $4`,
    eventsByType: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE event_type = $1 ORDER BY position`,
    eventsByTypeSince: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE event_type = $1 AND occurred_at >= $2::timestamptz ORDER BY position`,
    eventsByTypes: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE event_type = ANY($1::text[]) ORDER BY position`,
    eventsByTypesSince: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE event_type = ANY($1::text[]) AND occurred_at >= $2::timestamptz ORDER BY position`,
    readAllPage(filterAggregateTypes, filterEventTypes) {
      const key = `${filterAggregateTypes}:${filterEventTypes}`;
      let text = readAllPages.get(key);
      if (text === undefined) {
        // Parameters: $1 from-position, $2 limit, then the aggregate types and/or event types given.
        const eventTypesParam = filterAggregateTypes ? '$4' : '$3';
        const filters =
          (filterAggregateTypes ? ' AND ev.aggregate_type = ANY($3::text[])' : '') +
          (filterEventTypes ? ` AND ev.event_type = ANY(${eventTypesParam}::text[])` : '');
        // The horizon and the head come back with the page, computed in the same statement and so
        // from the same snapshot as the rows. The head is the highest visible position at or above
        // the horizon *that this reader would return* (same filters): only such an event is worth
        // waiting for, so a filtered reader that is caught up returns at once however many other
        // events sit above the horizon. Searching only at or above the horizon keeps it a short
        // scan of the newest rows. MATERIALIZED computes both once: inlined, the horizon function
        // would run again for every row returned.
        const headFilters = filters.replaceAll('ev.', 'hd.');
        text =
          `WITH h AS MATERIALIZED (SELECT ${s}.read_horizon() AS horizon), ` +
          `hh AS MATERIALIZED (SELECT h.horizon, (SELECT max(hd.position) FROM ${s}.events hd ` +
          `WHERE hd.position >= h.horizon${headFilters}) AS head FROM h) ` +
          `SELECT hh.horizon, hh.head, e.* FROM hh LEFT JOIN LATERAL (` +
          `SELECT ${EVENT_COLUMNS} FROM ${s}.events ev WHERE ev.position > $1::int8 AND ev.position < hh.horizon` +
          `${filters} ORDER BY ev.position LIMIT $2) e ON true`;
        readAllPages.set(key, text);
      }
      return text;
    },
    getSnapshot: `SELECT version, schema_version, state, (extract(epoch FROM created_at) * 1000)::int8 FROM ${s}.snapshots WHERE aggregate_type = $1 AND aggregate_id = $2`,
    saveSnapshot:
      `INSERT INTO ${s}.snapshots AS sn (aggregate_type, aggregate_id, version, schema_version, state, created_at) ` +
      'VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz) ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE ' +
      'SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state, ' +
      'created_at = EXCLUDED.created_at WHERE sn.version <= EXCLUDED.version',
  };
}

/**
 * A stable prepared-statement name for `text`: node-postgres then parses each statement once per
 * connection. Derived from the text itself, so two stores (or two versions) never clash on a name.
 */
export function statementName(text: string): string {
  // Two 32-bit FNV-1a hashes with different offsets: 64 bits, enough for a handful of statements.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `chronicle_${(a >>> 0).toString(36)}_${(b >>> 0).toString(36)}`;
}
