import { UsageError } from './errors';

/** Where the store lives, as parsed from `--db` / `CHRONICLE_DB`. */
export type StoreTarget =
  | { readonly adapter: 'sqlite'; readonly filename: string }
  | {
      readonly adapter: 'postgres';
      readonly url: string;
      readonly schema: string;
      /** Hot standbys the log is read from (`--read-replica`): `events`, `--follow`, the inspector's tail. */
      readonly readReplicas: readonly string[];
    };

/** PostgreSQL's schema when `--schema` is not given (the adapter's default). */
export const DEFAULT_PG_SCHEMA = 'chronicle';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Parses a store location: `postgres://…` / `postgresql://…` (with `schema`), `sqlite:./app.db`,
 * `sqlite:/abs/app.db`, or a plain file path. Throws {@link UsageError} for anything else.
 */
export function parseTarget(
  db: string | undefined,
  schema: string | undefined,
  readReplicas: readonly string[] = [],
): StoreTarget {
  if (db === undefined || db.trim() === '') {
    throw new UsageError('no store given: pass --db <path-or-url> or set CHRONICLE_DB');
  }
  if (/^postgres(ql)?:/i.test(db)) {
    let url: URL;
    try {
      url = new URL(db);
    } catch {
      throw new UsageError(`--db: not a valid PostgreSQL URL: ${redact(db)}`);
    }
    if (url.hostname === '' && !url.searchParams.has('host')) {
      throw new UsageError(`--db: the PostgreSQL URL names no host: ${redact(db)}`);
    }
    const name = schema ?? DEFAULT_PG_SCHEMA;
    if (!SCHEMA_NAME.test(name)) {
      throw new UsageError(`--schema: "${name}" is not a plain identifier (letters, digits, _; at most 63)`);
    }
    for (const replica of readReplicas) {
      if (!/^postgres(ql)?:\/\/[^/]/i.test(replica)) {
        throw new UsageError(`--read-replica: not a PostgreSQL URL: ${redact(replica)}`);
      }
    }
    return { adapter: 'postgres', url: db, schema: name, readReplicas };
  }
  if (schema !== undefined) throw new UsageError('--schema applies to PostgreSQL only');
  if (readReplicas.length > 0) throw new UsageError('--read-replica applies to PostgreSQL only');
  const match = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(db);
  // A one-letter "scheme" is a Windows drive (C:\app.db), not a URL.
  if (match !== null && match[1]!.length > 1) {
    if (match[1]!.toLowerCase() !== 'sqlite') {
      throw new UsageError(
        `--db: unknown scheme "${match[1]}:" (use sqlite:<path>, a file path or postgres://…)`,
      );
    }
    const filename = match[2]!.replace(/^\/\/(?=\/)/, '');
    if (filename === '') throw new UsageError('--db: sqlite: needs a file path, e.g. sqlite:./app.db');
    return { adapter: 'sqlite', filename };
  }
  return { adapter: 'sqlite', filename: db };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@/]*@/, '$1***@');
}
