import type pg from 'pg';
import type { DocumentRow, ProjectionReads, ProjectionVersionRow } from './projection-reads';

/** {@link ProjectionReads} on the inspection's client (`q`: the quoted schema). */
export function postgresProjectionReads(client: pg.Client, q: string): ProjectionReads {
  return {
    async supported() {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS ok',
        [`${q}.projection_versions`, `${q}.projection_documents`],
      );
      return rows[0]?.ok === true;
    },
    async versions() {
      const { rows } = await client.query<{
        name: string;
        version: number;
        status: ProjectionVersionRow['status'];
        updated_at: Date;
      }>(`SELECT name, version, status, updated_at FROM ${q}.projection_versions ORDER BY name, version`);
      return rows.map((r) => ({
        name: r.name,
        version: r.version,
        status: r.status,
        updatedAt: r.updated_at.toISOString(),
      }));
    },
    async collections(projection, version) {
      // A loose index scan on the primary key's prefix: one probe per collection.
      const found: string[] = [];
      for (let after = ''; ; ) {
        const { rows } = await client.query<{ c: string | null }>(
          `SELECT min(collection) AS c FROM ${q}.projection_documents
            WHERE projection = $1 AND version = $2 AND collection > $3`,
          [projection, version, after],
        );
        const c = rows[0]?.c ?? null;
        if (c === null) return found;
        found.push(c);
        after = c;
      }
    },
    async documents({ projection, version, collection, after, limit }) {
      const { rows } = await client.query<{ id: string; data: unknown; updated_at: Date }>(
        `SELECT id, data, updated_at FROM ${q}.projection_documents
          WHERE projection = $1 AND version = $2 AND collection = $3 AND id > $4 ORDER BY id LIMIT $5`,
        [projection, version, collection, after ?? '', limit],
      );
      return rows.map(
        (r): DocumentRow => ({ id: r.id, data: r.data, updatedAt: r.updated_at.toISOString() }),
      );
    },
  };
}
