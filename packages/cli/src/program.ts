import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import type { CommandContext } from './command-context';
import { eventsCommand } from './commands/events';
import { migrateCommand } from './commands/migrate';
import { statusCommand } from './commands/status';
import { streamCommand } from './commands/stream';
import { streamsCommand } from './commands/streams';
import { verifyCommand } from './commands/verify';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { colours, type Io } from './output';
import { parseTarget } from './target';

interface GlobalOptions {
  db?: string;
  schema?: string;
  json?: boolean;
  color: boolean;
}

const positiveInt = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
  }
  return Number(value);
};

const position = (value: string) => {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`--from must be a position (0 or more), got "${value}"`);
  return BigInt(value);
};

/**
 * Runs the `chronicle` command with `argv` (without node and the script) and resolves with its exit
 * code: 0 ok, 1 failure or findings, 2 bad usage. Never calls `process.exit`, so it can be embedded.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('chronicle');
  const context = (command: Command): CommandContext => {
    const g = command.optsWithGlobals<GlobalOptions>();
    return {
      target: parseTarget(g.db, g.schema),
      io,
      json: g.json === true,
      colour: colours(io.out, io.env, g.color),
    };
  };
  // Wraps an action: maps its outcome to the exit code and prints failures on stderr (JSON with --json).
  const action =
    <A extends unknown[]>(run: (command: Command, ...args: A) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      try {
        code = await run(command, ...(args.slice(0, -2) as A));
      } catch (error) {
        code = error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
        reportError(io, command, error);
      }
    };

  program
    .description('Inspect, verify and migrate a Chronicle event store (SQLite file or PostgreSQL schema).')
    .version(packageJson.version, '-V, --version')
    .addOption(
      new Option(
        '--db <location>',
        'the store: a SQLite file (./app.db, sqlite:./app.db) or a postgres:// URL',
      ).env('CHRONICLE_DB'),
    )
    .option('--schema <name>', 'PostgreSQL schema (default: chronicle)')
    .option('--json', 'print one JSON document on stdout, for scripts')
    .option('--no-color', 'no colours (also off when NO_COLOR is set or stdout is not a terminal)')
    .showHelpAfterError('(run chronicle --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
    });

  program
    .command('migrate')
    .description('create the store or bring its schema up to date (the only command that writes)')
    .action(action((command) => migrateCommand(context(command))));

  program
    .command('status')
    .description(
      'event and stream counts, head position, size on disk, schema version; PostgreSQL: read-horizon holders',
    )
    .action(action((command) => statusCommand(context(command))));

  program
    .command('streams')
    .description('list streams in (type, id) order, one page at a time')
    .option('--type <type>', 'only streams of this aggregate type')
    .option('--limit <n>', 'streams per page', positiveInt('--limit'), 50)
    .option('--after <type/id>', 'the page after this stream (printed as "more:" / "next")')
    .action(
      action((command) => {
        const o = command.opts<{ type?: string; limit: number; after?: string }>();
        return streamsCommand(context(command), o);
      }),
    );

  program
    .command('stream')
    .description("a stream's events, oldest first")
    .argument('<type/id>', 'the stream, e.g. Account/42')
    .option('--at <version>', 'only the events up to this version', positiveInt('--at'))
    .action(
      action((command, ref: string) => streamCommand(context(command), ref, command.opts<{ at?: number }>())),
    );

  program
    .command('events')
    .description('the log in position order, one page at a time')
    .option('--from <position>', 'the first position to show (inclusive)', position)
    .option('--type <eventType>', 'only events of this type')
    .option('--limit <n>', 'events per page', positiveInt('--limit'), 100)
    .action(
      action((command) =>
        eventsCommand(context(command), command.opts<{ from?: bigint; type?: string; limit: number }>()),
      ),
    );

  program
    .command('verify')
    .description(
      'check integrity: gapless versions, ordered unique positions, unique event ids, guards, snapshots',
    )
    .action(action((command) => verifyCommand(context(command))));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version "fail" with exit code 0; everything else commander rejects is usage.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  return code;
}

function reportError(io: Io, command: Command, error: unknown): void {
  const json = command.optsWithGlobals<GlobalOptions>().json === true;
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  if (json) {
    io.err.write(
      `${JSON.stringify({ error: { name: e.name, ...(typeof code === 'string' ? { code } : {}), message: e.message } })}\n`,
    );
  } else {
    const colour = colours(io.err, io.env, command.optsWithGlobals<GlobalOptions>().color);
    io.err.write(`${colour.red('chronicle:')} ${e.message}\n`);
    if (e.name === 'UsageError') io.err.write(`(run chronicle ${command.name()} --help for usage)\n`);
  }
}
