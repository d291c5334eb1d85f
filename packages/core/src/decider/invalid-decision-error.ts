import { EventStoreError, hasCode } from '../errors';

/**
 * A decider's `decide` returned something that is not an array of events: `undefined` (a forgotten
 * `return`), a single event not wrapped in an array, or an array holding something without an
 * `eventType`. Nothing was written.
 *
 * Its `code` is `'INVALID_DECISION'`; match it with {@link isInvalidDecisionError}.
 */
export class InvalidDecisionError extends EventStoreError {
  /** The decider's name (`'decider'` when it has none). */
  readonly decider: string;
  /** The command's `type`, when it has one. */
  readonly commandType: string | undefined;
  /** The index of the offending element; `undefined` when the result itself is not an array. */
  readonly index: number | undefined;

  constructor(decider: string, commandType: string | undefined, index: number | undefined, problem: string) {
    const command = commandType === undefined ? 'a command' : `command ${commandType}`;
    const where = index === undefined ? 'returned' : `returned, at index ${index},`;
    super('INVALID_DECISION', `${decider}.decide(${command}) ${where} ${problem}`);
    this.decider = decider;
    this.commandType = commandType;
    this.index = index;
  }
}

/** True when `error` is an {@link InvalidDecisionError}, matched by `code` so it works across two installed copies. */
export const isInvalidDecisionError = (error: unknown): error is InvalidDecisionError =>
  hasCode(error, 'INVALID_DECISION');
