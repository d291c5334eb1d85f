import {
  defineProjection,
  type Processor,
  type ProjectableEventStore,
  type ProjectionProcessorOptions,
} from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
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

const todo = (what: string): never => {
  throw new NotImplementedError('02-account-statement', what);
};

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
    // TODO: documents<Statement>('statements'), keyed by event.aggregateId.
    AccountOpened: () => todo('put { owner, balance: 0, lines: [] }'),
    MoneyDeposited: () => todo('add a deposit line and the new balance'),
    MoneyWithdrawn: () => todo('add a withdrawal line and the new balance'),
  },
});

/** Starts the statement projection on `store` (async: a processor), passing `options` on. */
export function startAccountStatement(
  store: ProjectableEventStore,
  options: ProjectionProcessorOptions = {},
): Processor {
  // TODO: startProjection from '@chronicle/core'.
  void [store, options];
  throw new NotImplementedError('02-account-statement', 'start the projection with startProjection()');
}
