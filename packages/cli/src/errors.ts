/**
 * The command's exit codes, as documented in docs/cli.md: 0 all good, 1 a failure or findings
 * (`verify`), 2 bad usage (unknown option, malformed `--db`, bad value).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad usage: the user can fix it by changing the command line. Exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
