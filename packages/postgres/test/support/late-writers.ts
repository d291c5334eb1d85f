import type pg from 'pg';
import { rawAppend } from './postgres';

/** What {@link writeLateAndRollBack} was told to do. */
export interface LateWriters {
  readonly writers: number;
  readonly perWriter: number;
  /** The longest a transaction stays open after its append, in seconds. */
  readonly maxSleepSeconds: number;
  /** The stream type of every append. */
  readonly aggregateType: string;
}

/**
 * Writers that make readers' lives hard: each appends two events per transaction on a raw
 * connection (half the time to a stream they all share, so some appends queue on its row), holds the
 * transaction open a random while, then commits — or rolls back one time in three. Adds the ids of
 * committed events to `committed` as each commit returns.
 */
export async function writeLateAndRollBack(
  pool: pg.Pool,
  schema: string,
  { writers, perWriter, maxSleepSeconds, aggregateType }: LateWriters,
  committed: Set<string>,
): Promise<void> {
  const write = async (w: number) => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < perWriter; i++) {
        const ids = [`w${w}-${i}-a`, `w${w}-${i}-b`];
        await client.query('BEGIN');
        const aggregateId = i % 2 === 0 ? 'shared' : `own-${w}`;
        await rawAppend(client, schema, { aggregateType, aggregateId }, 'any', ids);
        await client.query('SELECT pg_sleep($1)', [Math.random() * maxSleepSeconds]);
        if ((w + i) % 3 === 0) await client.query('ROLLBACK');
        else {
          await client.query('COMMIT');
          for (const id of ids) committed.add(id);
        }
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
}
