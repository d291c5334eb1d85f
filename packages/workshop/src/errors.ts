/** The `code` of every error the workshop runner reports. */
export type WorkshopErrorCode =
  | 'NO_WORKSHOP'
  | 'INVALID_MANIFEST'
  | 'UNKNOWN_STEP'
  | 'AMBIGUOUS_STEP'
  | 'INVALID_PROGRESS'
  | 'SOLUTION_LOCKED'
  | 'SOLUTION_MISSING'
  | 'GIT_FAILED'
  | 'VITEST_NOT_FOUND'
  | 'NO_DATABASE'
  | 'USAGE';

/**
 * A problem the runner explains to the learner instead of crashing: the message says what is wrong
 * and, where there is one, what to do about it.
 *
 * @example
 * ```ts
 * try { findStep(workshop, 'nope') } catch (e) { if (isWorkshopError(e)) console.error(e.message) }
 * ```
 */
export class WorkshopError extends Error {
  /** A stable, machine-readable code. */
  readonly code: WorkshopErrorCode;

  constructor(code: WorkshopErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'WorkshopError';
  }
}

/** Whether `error` is a {@link WorkshopError}; matches on `name` and `code`, so it survives two installed copies. */
export const isWorkshopError = (error: unknown): error is WorkshopError =>
  error instanceof Error &&
  error.name === 'WorkshopError' &&
  typeof (error as { code?: unknown }).code === 'string';
