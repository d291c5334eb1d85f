import type { Snapshot } from '@chronicle/core';
import { decodeSnapshotRow } from '@chronicle/core/adapter';
import type { QueryRunner } from './query-runner';

interface SnapshotRow {
  readonly version: string;
  readonly schemaVersion: string;
  readonly state: string;
  /** Epoch milliseconds. */
  readonly createdAt: string;
}

/** `getSnapshot` and `saveSnapshot` (arguments already validated). */
export interface SnapshotStatements {
  get(aggregateType: string, aggregateId: string): Promise<Snapshot | null>;
  save(snapshot: Snapshot): Promise<void>;
}

/** The snapshot statements for the quoted schema `s`. */
export function createSnapshotStatements(s: string, db: QueryRunner): SnapshotStatements {
  const get =
    'SELECT version, schema_version AS "schemaVersion", state, ' +
    `(extract(epoch FROM created_at) * 1000)::int8 AS "createdAt" FROM ${s}.snapshots ` +
    'WHERE aggregate_type = $1 AND aggregate_id = $2';
  // Keeps the newest: an older snapshot saved late never replaces a newer one.
  const save =
    `INSERT INTO ${s}.snapshots AS sn (aggregate_type, aggregate_id, version, schema_version, state, created_at) ` +
    'VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz) ' +
    'ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE ' +
    'SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state, ' +
    'created_at = EXCLUDED.created_at WHERE sn.version <= EXCLUDED.version';
  return {
    async get(aggregateType, aggregateId) {
      const [row] = await db.rows<SnapshotRow>(get, [aggregateType, aggregateId]);
      return row === undefined ? null : decodeSnapshotRow({ aggregateType, aggregateId, ...row });
    },
    async save({ aggregateType, aggregateId, version, schemaVersion, state, createdAt }) {
      const stored = [JSON.stringify(state), createdAt.toISOString()];
      await db.rows(save, [aggregateType, aggregateId, version, schemaVersion, ...stored]);
    },
  };
}
