import type { Migration } from './migrations';

/**
 * Version 4: projections and their read-model documents.
 *
 * - `projections` holds, per projection, the version that serves reads and the one a rebuild is
 *   building beside it; the switch is one UPDATE of that row, committed with the rebuild's last batch.
 * - `projection_documents` keys every document by the projection's version too, so two versions live
 *   side by side during a rebuild. `collection` and `id` sort bytewise (`COLLATE "C"`), so `find`'s
 *   keyset pages come in the same order as on SQLite. Only the primary key is indexed up front:
 *   equality on a field is indexed on request (the index hint), so unqueried fields cost writes nothing.
 */
export const projectionDocuments: Migration = {
  version: 4,
  name: 'projections, projection_documents',
  sql: (s) => `
CREATE TABLE ${s}.projections (
  name             text        NOT NULL PRIMARY KEY,
  active_version   integer     CHECK (active_version >= 1),
  building_version integer     CHECK (building_version >= 1),
  building_total   bigint      CHECK (building_total >= 0),
  updated_at       timestamptz NOT NULL DEFAULT statement_timestamp()
);

CREATE TABLE ${s}.projection_documents (
  projection text        NOT NULL,
  version    integer     NOT NULL CHECK (version >= 1),
  collection text        COLLATE "C" NOT NULL,
  id         text        COLLATE "C" NOT NULL,
  data       jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  PRIMARY KEY (projection, version, collection, id)
);
`,
};
