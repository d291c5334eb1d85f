import type Database from 'better-sqlite3';
import type { DocumentRow, ProjectionReads, ProjectionVersionRow } from './projection-reads';

const iso = (ms: number | bigint) => new Date(Number(ms)).toISOString();

/** {@link ProjectionReads} on a SQLite store's own connection (read-only). */
export function sqliteProjectionReads(db: Database.Database): ProjectionReads {
  return {
    async supported() {
      const { n } = db
        .prepare(
          `SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name IN ('projection_versions', 'projection_documents')`,
        )
        .get() as { n: number };
      return n === 2;
    },
    async versions() {
      const rows = db
        .prepare('SELECT name, version, status, updated_at FROM projection_versions ORDER BY name, version')
        .all() as {
        name: string;
        version: number;
        status: ProjectionVersionRow['status'];
        updated_at: number;
      }[];
      return rows.map((r) => ({
        name: r.name,
        version: Number(r.version),
        status: r.status,
        updatedAt: iso(r.updated_at),
      }));
    },
    async collections(projection, version) {
      // A loose index scan on the primary key's (projection, version, collection) prefix: one probe
      // per collection, however many documents each holds.
      const next = db.prepare(
        'SELECT min(collection) AS c FROM projection_documents WHERE projection = ? AND version = ? AND collection > ?',
      );
      const found: string[] = [];
      for (let after = ''; ; ) {
        const { c } = next.get(projection, version, after) as { c: string | null };
        if (c === null) return found;
        found.push(c);
        after = c;
      }
    },
    async documents({ projection, version, collection, after, limit }) {
      const rows = db
        .prepare(
          `SELECT id, data, updated_at FROM projection_documents
           WHERE projection = ? AND version = ? AND collection = ? AND id > ? ORDER BY id LIMIT ?`,
        )
        .all(projection, version, collection, after ?? '', limit) as {
        id: string;
        data: string;
        updated_at: number;
      }[];
      return rows.map(
        (r): DocumentRow => ({ id: r.id, data: JSON.parse(r.data), updatedAt: iso(r.updated_at) }),
      );
    },
  };
}
