import type pg from 'pg';
import type { PostgresPool } from '../../src/postgres-driver';

/**
 * `pool` counting the statements sent through it and through the connections checked out of it:
 * node-postgres sends one statement per round trip, so the count is the round trips.
 */
export function countingRoundTrips(pool: pg.Pool): { counter: { roundTrips: number }; pool: PostgresPool } {
  const counter = { roundTrips: 0 };
  const counted =
    <A extends unknown[], R>(call: (...args: A) => R) =>
    (...args: A): R => {
      counter.roundTrips++;
      return call(...args);
    };
  const wrapped = {
    query: counted((...args: unknown[]) => (pool.query as (...a: unknown[]) => unknown)(...args)),
    end: async () => {},
    async connect() {
      const client = await pool.connect();
      return new Proxy(client, {
        get: (target, property) =>
          property === 'query'
            ? counted((...args: unknown[]) => (target.query as (...a: unknown[]) => unknown)(...args))
            : Reflect.get(target, property),
      });
    },
  } as unknown as PostgresPool;
  return { counter, pool: wrapped };
}
