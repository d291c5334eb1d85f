import type { Migration } from './migrations';

/**
 * Version 4: projections and their read-model documents.
 *
 * - `projection_versions` holds each stored version of a projection and its status: `building`,
 *   `active` (the one readers see) or `retired`; a rebuild's switch is two status updates, committed
 *   with its last batch.
 * - `projection_documents` keys every document by the projection's version too, so two versions live
 *   side by side during a rebuild. `collection` and `id` sort bytewise (`COLLATE "C"`), so `find`'s
 *   keyset pages come in the same order as on SQLite. Only the primary key is indexed up front:
 *   equality on a field is indexed on request (the index hint), so unqueried fields cost writes nothing.
 */
export const projectionDocuments: Migration = {
  version: 4,
  name: 'projection_versions, projection_documents',
  sql: (s) => `
CREATE TABLE ${s}.projection_versions (
  name       text        NOT NULL,
  version    integer     NOT NULL CHECK (version >= 1),
  status     text        NOT NULL CHECK (status IN ('building', 'active', 'retired')),
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  PRIMARY KEY (name, version)
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
