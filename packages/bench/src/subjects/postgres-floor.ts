import { foldAccount } from '../account';
import { type AccountState, BenchConflict, type StoredEvent, type Subject } from '../subject';
import { openBaselinePool } from './baseline-storage';

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

type StreamRow = [version: number, type: string, data: unknown];
type PageRow = [position: string, version: number, type: string, data: unknown];

const toStored = ([version, eventType, data]: StreamRow): StoredEvent => ({ version, eventType, data });

/**
 * The least an event store can be on node-postgres: stream id, version, type, `jsonb` data, an
 * identity column as the read-all position, one unique key (stream, version). An append is ONE
 * statement on its own (autocommit: one transaction, one round trip): an `INSERT … SELECT … FROM
 * unnest(…)` that inserts nothing unless the stream's head is the expected version; of two racing
 * appends one fails on the key. Reads return `{ version, type, data }` as array rows (read-all adds
 * the position); node-postgres parses the `jsonb`.
 */
export async function openFloorPostgres(
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
        position bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream   text    NOT NULL,
        version  integer NOT NULL,
        type     text    NOT NULL,
        data     jsonb   NOT NULL,
        UNIQUE (stream, version)
      );
      CREATE TABLE ${s}.snapshots (
        stream  text    PRIMARY KEY,
        version integer NOT NULL,
        state   jsonb   NOT NULL
      );
    `,
  );
  const headSql = `SELECT coalesce(max(version), 0) FROM ${s}.events WHERE stream = $1`;
  const named = (kind: string, text: string, values: unknown[]) => ({
    name: `${schema}_${kind}`,
    text,
    values,
    rowMode: 'array' as const,
  });
  const insertSql = `INSERT INTO ${s}.events (stream, version, type, data)
    SELECT $1, $2::integer + v.n, v.type, v.data::jsonb
    FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS v(type, data, n)
    WHERE (${headSql}) = $2::integer`;
  const streamSql = `SELECT version, type, data FROM ${s}.events WHERE stream = $1 AND version > $2 ORDER BY version`;
  const pageSql = `SELECT position, version, type, data FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`;
  const snapSql = `SELECT version, state FROM ${s}.snapshots WHERE stream = $1`;

  const readStream = async (stream: string, after: number): Promise<StoredEvent[]> =>
    (await pool.query<StreamRow>(named('stream', streamSql, [stream, after]))).rows.map(toStored);

  return {
    location: schema,

    async append(stream, expectedVersion, events) {
      const types = events.map((event) => event.eventType);
      const data = events.map((event) => JSON.stringify(event.data));
      let inserted: number | null;
      try {
        inserted = (await pool.query(named('ins', insertSql, [stream, expectedVersion, types, data])))
          .rowCount;
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          throw new BenchConflict(stream, expectedVersion);
        throw error;
      }
      if (inserted !== events.length) throw new BenchConflict(stream, expectedVersion);
    },

    async streamVersion(stream) {
      const { rows } = await pool.query<[number]>(named('head', headSql, [stream]));
      return Number(rows[0]?.[0] ?? 0);
    },

    readStream: (stream) => readStream(stream, 0),

    async *readAll(batchSize) {
      let after = '0';
      for (;;) {
        const { rows } = await pool.query<PageRow>(named('page', pageSql, [after, batchSize]));
        for (const [position, version, eventType, data] of rows)
          yield { position: BigInt(position), version, eventType, data };
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]![0];
      }
    },

    async loadAccount(id) {
      const { rows } = await pool.query<[number, { balance: number; deposits: number }]>(
        named('snap', snapSql, [id]),
      );
      const row = rows[0];
      const from: AccountState | null = row === undefined ? null : { id, version: row[0], ...row[1] };
      return foldAccount(id, from, await readStream(id, from?.version ?? 0));
    },

    async saveAccountSnapshot(state) {
      await pool.query(
        `INSERT INTO ${s}.snapshots (stream, version, state) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (stream) DO UPDATE SET version = excluded.version, state = excluded.state
         WHERE excluded.version > ${s}.snapshots.version`,
        [state.id, state.version, JSON.stringify({ balance: state.balance, deposits: state.deposits })],
      );
    },

    close() {
      return pool.end();
    },
  };
}
