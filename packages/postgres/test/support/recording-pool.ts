import type pg from 'pg';
import type { PostgresPool, PostgresQueryConfig } from '../../src/postgres-driver';

/**
 * `pool` as a store sees it, recording the text of every statement the store sends through
 * `query` into `sent` (transactions on checked-out clients are not recorded). `end` leaves the pool open.
 */
export function recordingPool(pool: pg.Pool, sent: string[]): PostgresPool {
  return {
    query: (config: PostgresQueryConfig) => {
      sent.push(config.text);
      return pool.query(config as never);
    },
    connect: () => pool.connect(),
    end: async () => {},
  } as unknown as PostgresPool;
}
