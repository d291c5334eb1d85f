import {
  type DocumentCollection,
  defineProjection,
  type Processor,
  type ProjectableEventStore,
  type ProjectedEvent,
  type ProjectionProcessorOptions,
  startProjection,
} from '@chronicle/core';
import type { AccountEvent } from './read-model-events';

/** One line of a statement: what happened, and the balance after it. */
export interface StatementLine {
  [key: string]: string | number;
  /** The event's global position, as a decimal string (JSON has no bigint). */
  position: string;
  type: 'deposit' | 'withdrawal';
  amount: number;
  balanceAfter: number;
}

/** A document of the `statements` collection: one per account, keyed by the account id. */
export interface Statement {
  [key: string]: string | number | StatementLine[];
  owner: string;
  balance: number;
  lines: StatementLine[];
}

/** Adds one line to the account's statement; a movement on an unknown account is a bug upstream. */
async function addLine(
  statements: DocumentCollection<Statement>,
  event: ProjectedEvent<string, { amount: number }>,
  type: StatementLine['type'],
): Promise<void> {
  const statement = await statements.get(event.aggregateId);
  if (statement === undefined) throw new Error(`${type} on ${event.aggregateId}, an account never opened`);
  const signed = type === 'deposit' ? event.eventData.amount : -event.eventData.amount;
  const balance = statement.balance + signed;
  const line = {
    position: String(event.position),
    type,
    amount: event.eventData.amount,
    balanceAfter: balance,
  };
  await statements.put(event.aggregateId, { ...statement, balance, lines: [...statement.lines, line] });
}

/**
 * Each account's statement, as an **async** projection: a line per deposit or withdrawal, appended
 * to the account's document. Appending a line is not idempotent — and need not be: run by
 * `startProjection`, each batch's documents and its checkpoint commit in one transaction, so every
 * event takes effect exactly once.
 */
export const accountStatement = defineProjection<AccountEvent>({
  name: 'account_statement',
  version: 1,
  handlers: {
    AccountOpened: (event, { documents }) =>
      documents<Statement>('statements').put(event.aggregateId, {
        owner: event.eventData.owner,
        balance: 0,
        lines: [],
      }),
    MoneyDeposited: (event, { documents }) => addLine(documents<Statement>('statements'), event, 'deposit'),
    MoneyWithdrawn: (event, { documents }) =>
      addLine(documents<Statement>('statements'), event, 'withdrawal'),
  },
});

/** Starts the statement projection on `store` (async: a processor), passing `options` on. */
export function startAccountStatement(
  store: ProjectableEventStore,
  options: ProjectionProcessorOptions = {},
): Processor {
  return startProjection(store, accountStatement, options);
}
