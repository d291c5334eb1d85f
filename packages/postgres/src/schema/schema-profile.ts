import { InvalidArgumentError } from '@chronicle/core';
import type { PostgresClient } from '../postgres-driver';

/**
 * Which optional indexes a schema has.
 *
 * - `'full'` (a new schema's profile): every index.
 * - `'lean'`: leaves out the secondary index the append path does not need,
 *   `events_event_type_position_idx` (`event_type, position`), which every appended event otherwise
 *   inserts into. Every feature still works; what it costs when it is missing is in docs/postgres.md
 *   ("Schema profiles"). The unique keys (position, event id, stream and version) stay: appends rely
 *   on them.
 */
export type PostgresSchemaProfile = 'full' | 'lean';

/** The profiles, for validation and messages. */
const SCHEMA_PROFILES: readonly unknown[] = ['full', 'lean'] satisfies PostgresSchemaProfile[];

/** Throws `InvalidArgumentError` unless `profile` is omitted, `'full'` or `'lean'`. */
export function assertSchemaProfile(profile: unknown): asserts profile is PostgresSchemaProfile | undefined {
  if (profile !== undefined && !SCHEMA_PROFILES.includes(profile)) {
    throw new InvalidArgumentError(
      'options.schemaProfile',
      `must be 'full' or 'lean', got ${String(profile)}`,
    );
  }
}

/**
 * What `'full'` has and `'lean'` leaves out, with the DDL that (re)creates each: migration 1's, word
 * for word (a later migration that changes one of these changes it here too).
 */
const OPTIONAL_INDEXES: readonly { readonly name: string; readonly create: (s: string) => string }[] = [
  {
    name: 'events_event_type_position_idx',
    create: (s) => `CREATE INDEX events_event_type_position_idx ON ${s}.events (event_type, position)`,
  },
];

/**
 * Makes the schema's optional indexes match `profile`, inside the migration's transaction (under
 * its advisory lock): drops them for `'lean'`, builds the missing ones for `'full'` — a build reads
 * the whole `events` table and blocks appends while it runs (see docs/postgres.md for building one
 * `CONCURRENTLY` first on a big log). Idempotent: a schema that matches is not touched. Returns the
 * names of the indexes created or dropped.
 */
export async function applySchemaProfile(
  client: PostgresClient,
  schema: string,
  quoted: string,
  profile: PostgresSchemaProfile,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
    [schema, 'events'],
  );
  const present = new Set(rows.map((row) => row.name));
  const changed: string[] = [];
  for (const index of OPTIONAL_INDEXES) {
    if (present.has(index.name) === (profile === 'full')) continue;
    await client.query(profile === 'full' ? index.create(quoted) : `DROP INDEX ${quoted}.${index.name}`);
    changed.push(index.name);
  }
  return changed;
}
