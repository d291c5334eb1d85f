import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * A baseline's SQLite file with the adapter's durability (WAL, `synchronous = FULL`, busy timeout
 * 5 s) and its schema, and `write`, which runs a body in one `BEGIN IMMEDIATE` transaction
 * (rolled back when the body throws).
 */
export function openBaselineSqlite(
  file: string,
  schema: string,
): { db: Database.Database; write: (body: () => void) => void } {
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(schema);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  return {
    db,
    write(body) {
      begin.run();
      try {
        body();
        commit.run();
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
    },
  };
}

/** A baseline's pool of `poolSize` connections; `ddl` creates its schema when `create` is set. */
export async function openBaselinePool(
  url: string,
  poolSize: number,
  create: boolean,
  ddl: string,
): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {});
  if (create) await pool.query(ddl);
  return pool;
}
