/**
 * What an untouched exercise stub throws: the step to work on and what to implement. Replace the
 * `throw` with your code; `pnpm workshop hint` reveals one more hint each time.
 *
 * @example `throw new NotImplementedError('01-schema', 'create the events table in createSchema()');`
 */
export class NotImplementedError extends Error {
  /** A stable code the workshop tooling matches on. */
  readonly code = 'NOT_IMPLEMENTED' as const;
  /** The step id, e.g. `'01-schema'`. */
  readonly step: string;

  constructor(step: string, todo: string) {
    super(`${step}: implement me \u2014 ${todo} (read steps/${step}.md; \`pnpm workshop hint\` helps)`);
    this.name = 'NotImplementedError';
    this.step = step;
  }
}
