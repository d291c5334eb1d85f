import { foldAccount } from '../account';
import { AGGREGATE_TYPE, type BenchEvent } from '../payload';
import { type AccountState, BenchConflict, type ReadEvent, type Subject } from '../subject';
import { openBaselinePool } from './baseline-storage';

interface EventRow {
  position: string;
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  version: number;
  schema_version: number;
  event_data: unknown;
  occurred_at: Date;
}

const toReadEvent = (row: EventRow): ReadEvent => ({
  position: BigInt(row.position),
  eventId: row.event_id,
  aggregateType: row.aggregate_type,
  aggregateId: row.aggregate_id,
  eventType: row.event_type,
  version: row.version,
  schemaVersion: row.schema_version,
  data: row.event_data,
  occurredAt: row.occurred_at,
});

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';
/** Columns sent per event in the multi-row insert (plus three shared ones). */
const PARAMS_PER_EVENT = 4;

/**
 * The naive raw node-postgres baseline: `BEGIN`, one guarded multi-row `INSERT … SELECT … WHERE
 * (current version) = expected`, `COMMIT` — three round trips per append, prepared statements. The
 * (stream, version) and event-id keys are unique, so of two racing appends with the same expected
 * version one fails on the key; no triggers, no secondary indexes, positions from a plain sequence.
 */
export async function openRawPostgres(
  url: string,
  schema: string,
  poolSize: number,
  create: boolean,
): Promise<Subject> {
  const s = `"${schema}"`;
  const pool = await openBaselinePool(
    url,
    poolSize,
    create,
    `
      CREATE SCHEMA ${s};
      CREATE TABLE ${s}.events (
        position       bigserial   PRIMARY KEY,
        event_id       text        NOT NULL UNIQUE,
        aggregate_type text        NOT NULL,
        aggregate_id   text        NOT NULL,
        version        integer     NOT NULL,
        event_type     text        NOT NULL,
        schema_version integer     NOT NULL DEFAULT 1,
        event_data     jsonb       NOT NULL,
        occurred_at    timestamptz NOT NULL,
        UNIQUE (aggregate_type, aggregate_id, version)
      );
      CREATE TABLE ${s}.snapshots (
        aggregate_type text    NOT NULL,
        aggregate_id   text    NOT NULL,
        version        integer NOT NULL,
        state          jsonb   NOT NULL,
        PRIMARY KEY (aggregate_type, aggregate_id)
      );
    `,
  );
  const select = `SELECT position, event_id, aggregate_type, aggregate_id, event_type, version, schema_version, event_data, occurred_at FROM ${s}.events`;
  const headSql = `SELECT coalesce(max(version), 0) AS version FROM ${s}.events WHERE aggregate_type = $1 AND aggregate_id = $2`;
  const streamSql = `${select} WHERE aggregate_type = $1 AND aggregate_id = $2 AND version > $3 ORDER BY version`;
  const pageSql = `${select} WHERE position > $1 ORDER BY position LIMIT $2`;
  const insertSql = new Map<number, string>();

  /** The guarded insert for `count` events: inserts nothing unless the stream is at `$3`. */
  const insertFor = (count: number): string => {
    let sql = insertSql.get(count);
    if (sql === undefined) {
      const rows: string[] = [];
      for (let k = 0; k < count; k++) {
        const p = 4 + k * PARAMS_PER_EVENT;
        rows.push(`($${p}, ${k + 1}, $${p + 1}, $${p + 2}::jsonb, $${p + 3}::timestamptz)`);
      }
      sql = `INSERT INTO ${s}.events (event_id, aggregate_type, aggregate_id, version, event_type, event_data, occurred_at)
        SELECT v.event_id, $1, $2, $3::integer + v.n, v.event_type, v.event_data, v.occurred_at
        FROM (VALUES ${rows.join(', ')}) AS v(event_id, n, event_type, event_data, occurred_at)
        WHERE (SELECT coalesce(max(version), 0) FROM ${s}.events e
               WHERE e.aggregate_type = $1 AND e.aggregate_id = $2) = $3::integer`;
      insertSql.set(count, sql);
    }
    return sql;
  };

  const named = (kind: string, text: string) => ({ name: `${schema}_${kind}`, text });

  return {
    location: schema,

    async append(stream, expectedVersion, events) {
      const values: unknown[] = [AGGREGATE_TYPE, stream, expectedVersion];
      for (const event of events as BenchEvent[]) {
        values.push(event.eventId, event.eventType, JSON.stringify(event.data), event.occurredAt);
      }
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await client.query({
          ...named(`ins${events.length}`, insertFor(events.length)),
          values,
        });
        if (result.rowCount !== events.length) throw new BenchConflict(stream, expectedVersion);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          throw new BenchConflict(stream, expectedVersion);
        throw error;
      } finally {
        client.release();
      }
    },

    async streamVersion(stream) {
      const result = await pool.query<{ version: number }>({
        ...named('head', headSql),
        values: [AGGREGATE_TYPE, stream],
      });
      return Number(result.rows[0]?.version ?? 0);
    },

    async readStream(stream) {
      const result = await pool.query<EventRow>({
        ...named('stream', streamSql),
        values: [AGGREGATE_TYPE, stream, 0],
      });
      return result.rows.map(toReadEvent);
    },

    async *readAll(batchSize) {
      let after = '0';
      for (;;) {
        const { rows } = await pool.query<EventRow>({
          ...named('page', pageSql),
          values: [after, batchSize],
        });
        for (const row of rows) yield toReadEvent(row);
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]!.position;
      }
    },

    async loadAccount(id) {
      const snapshot = await pool.query<{ version: number; state: { balance: number; deposits: number } }>({
        ...named(
          'snap',
          `SELECT version, state FROM ${s}.snapshots WHERE aggregate_type = $1 AND aggregate_id = $2`,
        ),
        values: [AGGREGATE_TYPE, id],
      });
      const row = snapshot.rows[0];
      const from: AccountState | null = row === undefined ? null : { id, version: row.version, ...row.state };
      const events = await pool.query<EventRow>({
        ...named('stream', streamSql),
        values: [AGGREGATE_TYPE, id, from?.version ?? 0],
      });
      return foldAccount(id, from, events.rows.map(toReadEvent));
    },

    async saveAccountSnapshot(state) {
      await pool.query(
        `INSERT INTO ${s}.snapshots (aggregate_type, aggregate_id, version, state) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = excluded.version, state = excluded.state
         WHERE excluded.version > ${s}.snapshots.version`,
        [
          AGGREGATE_TYPE,
          state.id,
          state.version,
          JSON.stringify({ balance: state.balance, deposits: state.deposits }),
        ],
      );
    },

    close() {
      return pool.end();
    },
  };
}
