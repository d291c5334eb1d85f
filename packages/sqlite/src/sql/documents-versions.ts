import type { SqliteDatabase } from '../sqlite-driver';

/** A projection's row in `projections`: which version serves reads, which one a rebuild builds. */
export interface ProjectionVersions {
  /** The version that serves reads (`undefined` until a first version is live). */
  readonly activeVersion: number | undefined;
  /** The version being built beside it (`undefined` when no rebuild runs). */
  readonly buildingVersion: number | undefined;
  /** The log's head when the rebuild began: its progress' total. */
  readonly buildingTotal: bigint | undefined;
}

/** The SQL of `projections` (migration 3); synchronous, in the caller's transaction. */
export interface ProjectionVersionStatements {
  get(name: string): ProjectionVersions | undefined;
  /** Records that `version` is being built beside the active one, up to `total` events. */
  build(name: string, version: number, total: bigint, now: number): void;
  /** Makes `version` the one that serves reads (ending its build): the rebuild's atomic switch. */
  activate(name: string, version: number, now: number): void;
}

interface Row {
  readonly active_version: bigint | null;
  readonly building_version: bigint | null;
  readonly building_total: bigint | null;
}

export function prepareProjectionVersionStatements(database: SqliteDatabase): ProjectionVersionStatements {
  const get = database
    .prepare('SELECT active_version, building_version, building_total FROM projections WHERE name = ?')
    .safeIntegers(true);
  const build = database.prepare(
    `INSERT INTO projections (name, building_version, building_total, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET building_version = excluded.building_version,
       building_total = excluded.building_total, updated_at = excluded.updated_at`,
  );
  const activate = database.prepare(
    `INSERT INTO projections (name, active_version, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET active_version = excluded.active_version,
       building_version = NULLIF(building_version, excluded.active_version),
       building_total = CASE WHEN building_version = excluded.active_version THEN NULL ELSE building_total END,
       updated_at = excluded.updated_at`,
  );
  const optional = (value: bigint | null) => (value === null ? undefined : Number(value));
  return {
    get(name) {
      const row = get.get(name) as Row | undefined;
      return (
        row && {
          activeVersion: optional(row.active_version),
          buildingVersion: optional(row.building_version),
          buildingTotal: row.building_total ?? undefined,
        }
      );
    },
    build(name, version, total, now) {
      build.run(name, version, total, now);
    },
    activate(name, version, now) {
      activate.run(name, version, now);
    },
  };
}
