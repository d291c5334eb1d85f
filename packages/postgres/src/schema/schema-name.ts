import { InvalidArgumentError } from '@chronicle/core';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Throws {@link InvalidArgumentError} unless `schema` is a plain PostgreSQL identifier: letters, digits
 * and `_`, starting with a letter or `_`, at most 63 characters (PostgreSQL's limit), not in the
 * reserved `pg_` namespace. The name is still quoted wherever it is used; validating it first means
 * a hostile or mistyped name is refused, never silently truncated or executed.
 */
export function assertSchemaName(schema: unknown): asserts schema is string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new InvalidArgumentError(
      'schema',
      `must be letters, digits and _ (starting with a letter or _), at most 63 characters, got ${JSON.stringify(schema)}`,
    );
  }
  if (schema.toLowerCase().startsWith('pg_')) {
    throw new InvalidArgumentError(
      'schema',
      `must not start with pg_ (reserved by PostgreSQL), got '${schema}'`,
    );
  }
}

/** The schema name as a quoted SQL identifier, e.g. `"chronicle"`. Call {@link assertSchemaName} first. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The NOTIFY channel appends to `schema` signal on: `chronicle_<schema>`, cut at PostgreSQL's 63-byte
 * identifier limit (`pg_notify` refuses a longer one). Two long schema names that share their first
 * 53 characters share a channel: a subscriber of one then wakes for the other's commits too, which
 * costs one read and nothing else.
 */
export function notificationChannel(schema: string): string {
  return `chronicle_${schema}`.slice(0, 63);
}
