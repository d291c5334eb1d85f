import type { PostgresClient, PostgresPool } from './postgres-driver';
import { checkOutClient } from './postgres-pool';
import { type QueryRunner, RAW_TEXT } from './sql/query-runner';

/**
 * One transaction on one pooled connection, in as few round trips as the protocol allows.
 *
 * node-postgres sends one statement per round trip and does not pipeline. A parameterised statement
 * cannot carry a second one, but a simple-protocol query can: so the first statement goes out as
 * `BEGIN; <statement>` and the last as `<statement>; COMMIT`, with their parameters rendered as
 * literals (see {@link inlineParameters}). A transaction of one read and one write costs two round
 * trips, like the same two statements without a transaction. Statements in between go out
 * parameterised, unnamed (a pooler in transaction mode may give each transaction another server
 * connection, where a named statement from an earlier one does not exist).
 */
export interface SqlTransaction {
  /** Runs a statement inside the transaction (the first one also opens it). */
  readonly db: QueryRunner;
  /** The connection, for the raw escape hatch (its statements run inside the transaction once opened). */
  readonly client: PostgresClient;
  /** The rows of each statement of `opening`, once the first statement went out. */
  openingRows(): object[][];
  /** Sends `opening` alone, unless a statement has opened the transaction already. */
  begin(): Promise<void>;
  /**
   * Commits, sending `last` (when given) in the same round trip.
   * @returns the rows of `last`
   */
  commit<Row extends object>(last?: { text: string; values: readonly unknown[] }): Promise<Row[]>;
}

/**
 * Runs `work` in a transaction on a connection of `pool`: committed when `work` calls
 * `transaction.commit`, rolled back when it throws or returns without committing.
 *
 * @param opening - the statements that open the transaction (sent with the first statement)
 */
export async function inProjectionTransaction<T>(
  pool: PostgresPool,
  work: (transaction: SqlTransaction) => Promise<T>,
  opening = 'BEGIN',
): Promise<T> {
  const client = await checkOutClient(pool);
  let open = false;
  let done = false;
  let openingRows: object[][] = [];
  let broken: Error | undefined;
  /** Sends `text` (several statements) in one round trip; the rows of each statement, in order. */
  const simple = async (text: string): Promise<object[][]> => {
    // A simple query with several statements resolves to one result per statement.
    const result = (await client.query({ text, types: RAW_TEXT })) as unknown as
      | { rows: object[] }
      | { rows: object[] }[];
    return (Array.isArray(result) ? result : [result]).map((each) => each.rows);
  };
  const transaction: SqlTransaction = {
    client,
    openingRows: () => openingRows,
    async begin() {
      if (done) throw new Error('the projection transaction is over');
      if (open) return;
      open = true;
      openingRows = await simple(opening);
    },
    db: {
      async rows<Row extends object>(text: string, values: readonly unknown[]): Promise<Row[]> {
        if (done) throw new Error('the projection transaction is over');
        if (!open) {
          open = true;
          const results = await simple(`${opening}; ${inlineParameters(text, values)}`);
          openingRows = results.slice(0, -1);
          return results.at(-1) as Row[];
        }
        return (await client.query<Row>({ text, values, types: RAW_TEXT })).rows;
      },
    },
    async commit<Row extends object>(last?: { text: string; values: readonly unknown[] }) {
      if (done) throw new Error('the projection transaction is over');
      done = true;
      if (last === undefined) {
        if (open) await client.query('COMMIT');
        return [];
      }
      const statement = inlineParameters(last.text, last.values);
      const results = await simple(open ? `${statement}; COMMIT` : statement);
      open = false;
      return results[0] as Row[];
    },
  };
  try {
    const result = await work(transaction);
    if (!done || open) await rollback();
    return result;
  } catch (error) {
    await rollback();
    throw error;
  } finally {
    client.release(broken ?? false);
  }

  async function rollback(): Promise<void> {
    if (!open) return;
    open = false;
    try {
      await client.query('ROLLBACK');
    } catch (error) {
      // The connection is gone or unusable: the server rolls back on its own; discard the connection.
      broken = error instanceof Error ? error : new Error(String(error));
    }
  }
}

/**
 * `text` with `$1`, `$2`, … replaced by `values` as SQL literals, for the simple query protocol.
 * Literals are untyped (`E'…'`), so PostgreSQL infers their types from context exactly as it does
 * for the untyped parameters node-postgres sends; arrays become array literals. Only for the
 * store's own statements, whose text holds no `$n` other than its parameters.
 */
export function inlineParameters(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, index: string) => literal(values[Number(index) - 1]));
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return quote(Array.isArray(value) ? arrayLiteral(value) : String(value));
}

/** `value` as an escape-string constant: correct whatever `standard_conforming_strings` says. */
function quote(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A PostgreSQL array literal (`{"a","b",NULL}`) of scalar elements. */
function arrayLiteral(values: readonly unknown[]): string {
  const element = (value: unknown): string =>
    value === null || value === undefined
      ? 'NULL'
      : `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `{${values.map(element).join(',')}}`;
}
