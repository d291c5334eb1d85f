import { observeGauge, TELEMETRY } from '@chronicle/core/adapter';
import type { QueryRunner } from './query-runner';

/**
 * How long the transaction that holds the read horizon has been open, in seconds: the oldest
 * transaction id still running (the snapshot's `xmin`, cluster-wide) matched to its backend in
 * `pg_stat_activity`. `0` when no transaction holds it (the horizon is at the newest commit). A
 * prepared (two-phase) transaction has no backend and reads as `0` too.
 */
const READ_HORIZON_AGE = `SELECT coalesce(extract(epoch FROM clock_timestamp() - min(a.xact_start)), 0)::float8 AS "ageSeconds"
FROM pg_stat_activity a
WHERE a.backend_xid IS NOT NULL
  AND a.backend_xid::text::bigint = pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296`;

/**
 * Reports the read horizon's age on the `chronicle.postgres.read_horizon.age` gauge while the store is
 * open: a long-open transaction anywhere on the server holds every `readAll` and subscription at its
 * position (docs/postgres.md, "Ordering"), and this is the figure to alert on. Queried only when a
 * meter provider collects. Returns the function that stops reporting.
 */
export function observeReadHorizonAge(db: QueryRunner, schema: string): () => void {
  return observeGauge(
    {
      name: TELEMETRY.metrics.POSTGRES_READ_HORIZON_AGE,
      description: 'How long the oldest open transaction has been holding PostgreSQL readers (0: none).',
      unit: 's',
    },
    async () => {
      try {
        const [row] = await db.rows<{ ageSeconds: string }>(READ_HORIZON_AGE, []);
        return [[Number(row?.ageSeconds ?? 0), { [TELEMETRY.attributes.DB_NAMESPACE]: schema }]];
      } catch {
        // A collection must not fail on a closed store or a lost connection: report nothing this time.
        return [];
      }
    },
  );
}
