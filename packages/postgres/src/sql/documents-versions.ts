import type { QueryRunner } from './query-runner';

/** A projection's row in `projections`: which version serves reads, which one a rebuild builds. */
export interface ProjectionVersions {
  /** The version that serves reads (`undefined` until a first version is live). */
  readonly activeVersion: number | undefined;
  /** The version being built beside it (`undefined` when no rebuild runs). */
  readonly buildingVersion: number | undefined;
  /** The log's head when the rebuild began: its progress' total. */
  readonly buildingTotal: bigint | undefined;
}

/** The SQL of `projections` (migration 4), sent on the runner given (a transaction's, for the switch). */
export interface ProjectionVersionStatements {
  get(db: QueryRunner, name: string): Promise<ProjectionVersions | undefined>;
  /** Records that `version` is being built beside the active one, up to `total` events. */
  build(db: QueryRunner, name: string, version: number, total: bigint): Promise<void>;
  /** Makes `version` the one that serves reads (ending its build): the rebuild's atomic switch. */
  activate(db: QueryRunner, name: string, version: number): Promise<void>;
}

interface Row {
  readonly active_version: string | null;
  readonly building_version: string | null;
  readonly building_total: string | null;
}

/** The statements for the quoted schema `s`. */
export function createProjectionVersionStatements(s: string): ProjectionVersionStatements {
  const get = `SELECT active_version, building_version, building_total FROM ${s}.projections WHERE name = $1`;
  const build =
    `INSERT INTO ${s}.projections AS p (name, building_version, building_total) VALUES ($1, $2, $3::int8) ` +
    'ON CONFLICT (name) DO UPDATE SET building_version = EXCLUDED.building_version, ' +
    'building_total = EXCLUDED.building_total, updated_at = statement_timestamp()';
  const activate =
    `INSERT INTO ${s}.projections AS p (name, active_version) VALUES ($1, $2) ` +
    'ON CONFLICT (name) DO UPDATE SET active_version = EXCLUDED.active_version, ' +
    'building_version = NULLIF(p.building_version, EXCLUDED.active_version), ' +
    'building_total = CASE WHEN p.building_version = EXCLUDED.active_version THEN NULL ELSE p.building_total END, ' +
    'updated_at = statement_timestamp()';
  const optional = (value: string | null) => (value === null ? undefined : Number(value));
  return {
    async get(db, name) {
      const [row] = await db.rows<Row>(get, [name]);
      return (
        row && {
          activeVersion: optional(row.active_version),
          buildingVersion: optional(row.building_version),
          buildingTotal: row.building_total === null ? undefined : BigInt(row.building_total),
        }
      );
    },
    async build(db, name, version, total) {
      await db.rows(build, [name, version, total.toString()]);
    },
    async activate(db, name, version) {
      await db.rows(activate, [name, version]);
    },
  };
}
