import { StoreUnavailableError } from '@chronicle/core';
import pg from 'pg';
import { redact } from '../target';
import { EVENT_COLUMN_NAMES, type EventRow, toStoredEvent } from './event-row';
import type { Finding, HorizonHolder, Inspection, StoredEvent, StreamSummary } from './inspection';
import { SCAN_PAGE } from './inspection';
import { NotMigratedError, StoreMissingError } from './open-errors';
import { postgresProjectionReads } from './projections-postgres';
import { scanLog } from './scan-log';

// The migrations table is being renamed; read whichever this schema has.
const MIGRATIONS_TABLES = ['chronicle_migrations', 'schema_migrations'];

const EVENT_COLUMNS = `position::text AS position, ${EVENT_COLUMN_NAMES}`;

// node-postgres parses jsonb itself and returns timestamptz as a Date.
type PostgresEventRow = EventRow<string, Date, unknown>;
const toEvent = (row: PostgresEventRow): StoredEvent =>
  toStoredEvent(row, { position: String, time: (date) => date.toISOString(), json: (value) => value });

/**
 * Connects one client and checks that `schema` holds a migrated Chronicle store. Every statement runs
 * in its own read-only transaction (`default_transaction_read_only`), so inspecting cannot write.
 */
export async function openPostgresInspection(url: string, schema: string): Promise<Inspection> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: 'chronicle-cli',
    options: '-c default_transaction_read_only=on',
  });
  // A dropped connection must not crash the process with an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new StoreUnavailableError(
      `cannot connect to PostgreSQL at ${redact(url)}: ${(error as Error).message || String(error)}`,
      { cause: error },
    );
  }
  const q = `"${schema}"`;
  try {
    const { rows: found } = await client.query<{ present: boolean; tables: (string | null)[] }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present,
              ARRAY[to_regclass($2)::text, to_regclass($3)::text] AS tables`,
      [schema, ...MIGRATIONS_TABLES.map((t) => `${q}.${t}`)],
    );
    if (found[0]?.present !== true) {
      throw new StoreMissingError(
        `PostgreSQL at ${redact(url)} has no schema "${schema}" (check --schema, or run \`chronicle migrate\`)`,
      );
    }
    const table = found[0].tables.find((t) => t !== null);
    if (table === undefined) {
      throw new NotMigratedError(
        `schema "${schema}" holds no Chronicle store: run \`chronicle migrate --schema ${schema}\``,
      );
    }
    const { rows: v } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${table}`);
    const schemaVersion = Number(v[0]?.v ?? 0);
    return postgresInspection(client, url, schema, schemaVersion);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

function postgresInspection(
  client: pg.Client,
  url: string,
  schema: string,
  schemaVersion: number,
): Inspection {
  const q = `"${schema}"`;
  const location = `${redact(url)} (schema ${schema})`;
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
    (await client.query(sql, params)).rows[0] as T;

  return {
    adapter: 'postgres',
    location,
    schemaVersion,
    projections: postgresProjectionReads(client, q),
    async status() {
      const counts = await one<{ events: string; streams: string; head: string | null; size: string }>(
        `SELECT (SELECT count(*) FROM ${q}.events) AS events,
                (SELECT count(*) FROM ${q}.streams) AS streams,
                (SELECT max(position)::text FROM ${q}.events) AS head,
                (SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')) AS size`,
        [schema],
      );
      // Positions come from transaction ids, and readers stop below the oldest running transaction
      // of the whole cluster: a long one (in any database) stalls every reader's head.
      const { rows } = await client.query<{
        pid: number;
        state: string | null;
        xact_start: Date | null;
        backend_xid: string | null;
        backend_xmin: string | null;
        datname: string | null;
        query: string | null;
      }>(
        `SELECT pid, state, xact_start, backend_xid::text, backend_xmin::text, datname, left(query, 200) AS query
           FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)
          ORDER BY xact_start NULLS LAST`,
      );
      const horizonHolders = rows.map(
        (r): HorizonHolder => ({
          pid: r.pid,
          state: r.state,
          xactStart: r.xact_start?.toISOString() ?? null,
          backendXid: r.backend_xid,
          backendXmin: r.backend_xmin,
          database: r.datname,
          query: r.query,
        }),
      );
      return {
        adapter: 'postgres',
        location,
        schemaVersion,
        events: Number(counts.events),
        streams: Number(counts.streams),
        headPosition: counts.head,
        sizeBytes: Number(counts.size),
        horizonHolders,
      };
    },
    async head() {
      return (await one<{ p: string | null }>(`SELECT max(position)::text AS p FROM ${q}.events`)).p;
    },
    async streams({ type, idPrefix, after, limit }) {
      // The streams table's primary key (aggregate_type, aggregate_id) serves the keyset.
      const where: string[] = [];
      const params: unknown[] = [];
      if (type !== undefined) where.push(`aggregate_type = $${params.push(type)}`);
      if (idPrefix !== undefined && idPrefix !== '') {
        // A range rather than LIKE: it walks the primary key, and needs no escaping of % and _.
        where.push(
          `aggregate_id >= $${params.push(idPrefix)} AND aggregate_id < $${params.push(`${idPrefix}\u{10ffff}`)}`,
        );
      }
      if (after !== undefined) {
        where.push(
          `(aggregate_type, aggregate_id) > ($${params.push(after.type)}, $${params.push(after.id)})`,
        );
      }
      const { rows } = await client.query<{
        aggregate_type: string;
        aggregate_id: string;
        version: number;
        last_position: string;
      }>(
        `SELECT aggregate_type, aggregate_id, version, last_position::text AS last_position FROM ${q}.streams
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY aggregate_type, aggregate_id LIMIT $${params.push(limit)}`,
        params,
      );
      return rows.map(
        (r): StreamSummary => ({
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          version: r.version,
          lastPosition: r.last_position,
        }),
      );
    },
    async streamEvents({ type, id, afterVersion, toVersion, limit }) {
      const { rows } = await client.query<PostgresEventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${q}.events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND version > $3 AND version <= $4
          ORDER BY version LIMIT $5`,
        [type, id, afterVersion, toVersion ?? 2147483647, limit],
      );
      return rows.map(toEvent);
    },
    async events({ after, type, limit }) {
      const params: unknown[] = [after ?? '-1'];
      const { rows } = await client.query<PostgresEventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${q}.events WHERE position > $1::bigint
         ${type === undefined ? '' : `AND event_type = $${params.push(type)}`}
         ORDER BY position LIMIT $${params.push(limit)}`,
        params,
      );
      return rows.map(toEvent);
    },
    async verify(progress) {
      const findings: Finding[] = [];
      const guard = await one<{ enabled: string | null } | undefined>(
        `SELECT t.tgenabled::text AS enabled FROM pg_trigger t
          WHERE t.tgrelid = $1::regclass AND t.tgname = 'events_append_only'`,
        [`${q}.events`],
      );
      if (guard === undefined) {
        findings.push({
          check: 'guard-missing',
          message: `append-only trigger events_append_only is missing on ${schema}.events`,
        });
      } else if (guard.enabled === 'D') {
        findings.push({
          check: 'guard-missing',
          message: `append-only trigger events_append_only is disabled on ${schema}.events`,
        });
      }
      const total = Number((await one<{ n: string }>(`SELECT count(*) AS n FROM ${q}.events`)).n);
      findings.push(
        ...(await scanLog(
          async (after, limit) => {
            const { rows } = await client.query<{
              position: string;
              aggregate_type: string;
              aggregate_id: string;
              version: number;
            }>(
              `SELECT position::text AS position, aggregate_type, aggregate_id, version FROM ${q}.events
                WHERE position > $1::bigint ORDER BY position LIMIT $2`,
              [(after ?? -1n).toString(), limit],
            );
            return rows.map((r) => ({
              position: BigInt(r.position),
              aggregateType: r.aggregate_type,
              aggregateId: r.aggregate_id,
              version: r.version,
            }));
          },
          total,
          SCAN_PAGE,
          progress,
        )),
      );
      const { rows: dupes } = await client.query<{ event_id: string; n: string }>(
        `SELECT event_id, count(*) AS n FROM ${q}.events GROUP BY event_id HAVING count(*) > 1 LIMIT 100`,
      );
      for (const r of dupes) {
        findings.push({
          check: 'duplicate-event-id',
          message: `event id ${r.event_id} is stored ${r.n} times`,
        });
      }
      const { rows: ahead } = await client.query<{ t: string; i: string; v: number; head: number | null }>(
        `SELECT s.aggregate_type AS t, s.aggregate_id AS i, s.version AS v, h.head
           FROM ${q}.snapshots s
           LEFT JOIN LATERAL (SELECT max(version) AS head FROM ${q}.events e
                               WHERE e.aggregate_type = s.aggregate_type AND e.aggregate_id = s.aggregate_id) h ON true
          WHERE h.head IS NULL OR s.version > h.head LIMIT 100`,
      );
      for (const r of ahead) {
        findings.push({
          check: 'snapshot-ahead',
          message: `snapshot of ${r.t}/${r.i} is at version ${r.v}, but the stream is at ${r.head ?? 0}`,
        });
      }
      // Appends lock and bump the streams row; a row that disagrees with the log breaks the next append.
      const { rows: heads } = await client.query<{
        t: string;
        i: string;
        v: number | null;
        head: number | null;
      }>(
        `SELECT COALESCE(s.aggregate_type, e.aggregate_type) AS t, COALESCE(s.aggregate_id, e.aggregate_id) AS i,
                s.version AS v, e.head
           FROM ${q}.streams s
           FULL JOIN (SELECT aggregate_type, aggregate_id, max(version) AS head FROM ${q}.events
                       GROUP BY aggregate_type, aggregate_id) e
             ON e.aggregate_type = s.aggregate_type AND e.aggregate_id = s.aggregate_id
          WHERE s.version IS DISTINCT FROM e.head LIMIT 100`,
      );
      for (const r of heads) {
        findings.push({
          check: 'stream-head-mismatch',
          message: `stream ${r.t}/${r.i}: the streams table says version ${r.v ?? 'none'}, the log says ${r.head ?? 'none'}`,
        });
      }
      return findings;
    },
    async close() {
      await client.end();
    },
  };
}
