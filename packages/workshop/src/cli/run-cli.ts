import { resolve } from 'node:path';
import { isWorkshopError } from '../errors';
import { findWorkshopRoot, loadWorkshop } from '../manifest/load-workshop';
import { parseCliArgs } from './args';
import { hintCommand } from './commands/hint';
import { inspectCommand } from './commands/inspect';
import { listCommand } from './commands/list';
import { resetCommand } from './commands/reset';
import { solutionCommand } from './commands/solution';
import { verifyCommand } from './commands/verify';
import { watchCommand } from './commands/watch';
import { type CliIO, createContext } from './context';
import { helpText } from './help';
import { invocationOf } from './invocation';
import { createStyle, shouldColor } from './style';

/** Exit code for a command line the runner does not understand. */
export const EXIT_USAGE = 2;

/**
 * Runs the workshop CLI with `argv` (without `node` and the script) and returns the exit code:
 * 0 done, 1 the step's tests fail or something went wrong, 2 a usage error.
 *
 * @param signal stops `watch` (the CLI wires it to Ctrl+C)
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  let style = createStyle(shouldColor(io.stdout.isTTY, io.env));
  const fail = (message: string, code: number): number => {
    const errorStyle = createStyle(shouldColor(io.stderr.isTTY, io.env));
    io.stderr.write(`${errorStyle.red('error:')} ${message}\n`);
    return code;
  };
  try {
    const args = parseCliArgs(argv);
    style = createStyle(shouldColor(io.stdout.isTTY, io.env, args.color));
    if (args.command === 'help') {
      io.stdout.write(`${helpText(invocationOf(io.env), style)}\n`);
      return 0;
    }
    const root = args.root === undefined ? findWorkshopRoot(io.cwd) : resolve(io.cwd, args.root);
    const ctx = createContext(loadWorkshop(root), style, io);
    switch (args.command) {
      case 'list':
        return listCommand(ctx);
      case 'verify':
        return await verifyCommand(ctx, args.step);
      case 'hint':
        return hintCommand(ctx, args.step);
      case 'watch':
        return await watchCommand(ctx, args.step, signal ?? new AbortController().signal);
      case 'reset':
        return resetCommand(ctx, args.step as string);
      case 'solution':
        return solutionCommand(ctx, args.step as string);
      case 'inspect':
        return await inspectCommand(ctx, args, signal ?? new AbortController().signal);
    }
  } catch (error) {
    if (isWorkshopError(error)) {
      const hint = error.code === 'USAGE' ? `\nRun ${invocationOf(io.env)} --help for the commands.` : '';
      return fail(`${error.message}${hint}`, error.code === 'USAGE' ? EXIT_USAGE : 1);
    }
    return fail(error instanceof Error ? (error.stack ?? error.message) : String(error), 1);
  }
}
