import type { PostgresPool, PostgresQueryConfig } from '../postgres-driver';
import { isPreparedStatementMismatch } from '../postgres-errors';

/**
 * Sends the store's statements. Every statement of the adapter goes through {@link QueryRunner.rows};
 * the modules under `sql/` hold the text beside the code that decodes its rows.
 */
export interface QueryRunner {
  /**
   * Runs one statement and returns its rows, by column name, as text (see {@link RAW_TEXT}). Driver errors
   * are thrown as the driver raised them: the store maps them once, at its public surface.
   */
  rows<Row extends object>(text: string, values: readonly unknown[]): Promise<Row[]>;
}

const identity = (value: string): string => value;

/**
 * Per-query type parsers that leave every value as the text PostgreSQL sent: the adapter parses
 * what it needs itself, and a pool whose global parsers were customised (int8 as BigInt, dates as
 * strings, …) still reads back the same events.
 */
export const RAW_TEXT = { getTypeParser: () => identity };

/** A {@link QueryRunner} that can also hand rows back as arrays, for the event reads. */
export interface EventQueryRunner extends QueryRunner {
  /**
   * Runs one statement and returns its rows as arrays of text, in column order (see {@link RAW_TEXT}):
   * node-postgres then builds no object per row, which a read of thousands of events notices.
   */
  tuples<Row extends readonly unknown[]>(text: string, values: readonly unknown[]): Promise<Row[]>;
}

/**
 * A runner on the pool `pool()` resolves to. With `prepareStatements`, statements go out named (parsed
 * once per connection) until a transaction-mode pooler (PgBouncer) shows it cannot keep them: then
 * the runner switches to unnamed statements for good.
 */
export function createQueryRunner(
  pool: () => Promise<PostgresPool>,
  prepareStatements: boolean,
): EventQueryRunner {
  let named = prepareStatements;
  async function run<Row>(config: PostgresQueryConfig): Promise<Row[]> {
    const target = await pool();
    if (named) {
      try {
        return (await target.query<Row>({ ...config, name: statementName(config.text) })).rows;
      } catch (error) {
        // The pooler moved the statement to a server connection that has it already (42P05) or not
        // at all (26000). Both fail before anything runs, so sending it again unnamed is safe.
        if (!isPreparedStatementMismatch(error)) throw error;
        named = false;
      }
    }
    return (await target.query<Row>(config)).rows;
  }
  return {
    rows: (text, values) => run({ text, values, types: RAW_TEXT }),
    tuples: (text, values) => run({ text, values, types: RAW_TEXT, rowMode: 'array' }),
  };
}

/**
 * A stable prepared-statement name for `text`: node-postgres then parses each statement once per
 * connection. Derived from the text itself, so two stores (or two versions) never clash on a name.
 */
export function statementName(text: string): string {
  // Two 32-bit FNV-1a hashes with different offsets: 64 bits, enough for a handful of statements.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `chronicle_${(a >>> 0).toString(36)}_${(b >>> 0).toString(36)}`;
}
