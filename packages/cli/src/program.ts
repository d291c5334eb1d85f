import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import type { CommandContext } from './command-context';
import { eventsCommand } from './commands/events';
import { inspectCommand } from './commands/inspect';
import { migrateCommand } from './commands/migrate';
import { type ProcessorAction, processorCommand, processorsCommand } from './commands/processors';
import { projectionsCommand } from './commands/projections';
import { rebuildCommand } from './commands/rebuild';
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
  readReplica?: string[];
  json?: boolean;
  color: boolean;
}

const positiveInt = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
  }
  return Number(value);
};

const position = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`${name} must be a position (0 or more), got "${value}"`);
  return BigInt(value);
};

const port = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError(`--port must be 0 to 65535, got "${value}"`);
  }
  return Number(value);
};

const resetTarget = (value: string): bigint | 'start' | 'end' =>
  value === 'start' || value === 'end' ? value : position('--to')(value);

/** The action `processor <id> [action]` asks for, with the option it needs. */
function processorAction(
  kind: ProcessorAction['kind'],
  options: { to?: bigint | 'start' | 'end'; handler?: string },
): ProcessorAction {
  if (kind === 'reset') {
    if (options.to === undefined) throw new UsageError('processor reset needs --to <position|start|end>');
    return { kind, to: options.to };
  }
  if (kind === 'replay') {
    if (options.handler === undefined)
      throw new UsageError('processor replay needs --handler ./module.ts#Export');
    return { kind, handler: options.handler };
  }
  if (options.to !== undefined || options.handler !== undefined) {
    throw new UsageError('--to goes with reset, --handler with replay');
  }
  return { kind };
}

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
      target: parseTarget(g.db, g.schema, g.readReplica),
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
    .option(
      '--read-replica <url>',
      'PostgreSQL: read the log from this hot standby (repeatable); writes stay on --db',
      (url: string, urls: string[] = []) => [...urls, url],
    )
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
    .option(
      '--aggregate <module#Export>',
      'also print the state at that version: an aggregate class or decider',
    )
    .option(
      '--upcasters <module#Export>',
      "the application's upcasters (an array), applied before --aggregate",
    )
    .action(
      action((command, ref: string) =>
        streamCommand(
          context(command),
          ref,
          command.opts<{ at?: number; aggregate?: string; upcasters?: string }>(),
        ),
      ),
    );

  program
    .command('events')
    .description('the log in position order, one page at a time')
    .option('--from <position>', 'the first position to show (inclusive)', position('--from'))
    .option('--type <eventType>', 'only events of this type')
    .option('--limit <n>', 'events per page', positiveInt('--limit'), 100)
    .option('-f, --follow', 'print new events as they commit, until Ctrl+C or the end of input')
    .option('--upcasters <module#Export>', "with --follow: the application's upcasters (an array)")
    .action(
      action((command) =>
        eventsCommand(
          context(command),
          command.opts<{
            from?: bigint;
            type?: string;
            limit: number;
            follow?: boolean;
            upcasters?: string;
          }>(),
        ),
      ),
    );

  program
    .command('processors')
    .description("every processor's checkpoint, lag behind the head, and parked events")
    .action(action((command) => processorsCommand(context(command))));

  program
    .command('processor')
    .description(
      'one processor: show it, list what it parked, rewind it (reset --to, writes), replay what it parked (replay --handler, writes)',
    )
    .argument('<id>', 'the processor id')
    .addArgument(
      new Argument('[action]', 'what to do').choices(['show', 'parked', 'reset', 'replay']).default('show'),
    )
    .option('--to <position>', 'reset: the new checkpoint, a position, start or end', resetTarget)
    .option('--handler <module#Export>', 'replay: a function (event, context) or an object with handle()')
    .action(
      action((command, id: string, kind: ProcessorAction['kind']) =>
        processorCommand(context(command), id, processorAction(kind, command.opts())),
      ),
    );

  program
    .command('projections')
    .description('every stored projection version: status (active, building, retired) and checkpoint lag')
    .action(action((command) => projectionsCommand(context(command))));

  program
    .command('rebuild')
    .description(
      "build a projection's version side by side from the log, then switch readers to it (writes; Ctrl+C stops, a rerun resumes)",
    )
    .requiredOption('--projection <module#Export>', 'the projection definition (defineProjection) to build')
    .option('--keep-old', "keep the older versions' documents (retired) instead of dropping them")
    .option('--batch-size <n>', 'events per transaction', positiveInt('--batch-size'), 500)
    .action(
      action((command) =>
        rebuildCommand(
          context(command),
          command.opts<{ projection: string; keepOld?: boolean; batchSize: number }>(),
        ),
      ),
    );

  program
    .command('inspect')
    .description('serve the web inspector (read-only, on 127.0.0.1 unless --host) until Ctrl+C')
    .option('--port <port>', 'TCP port (0: any free port)', port, 4849)
    .option('--host [address]', 'bind this address instead of 127.0.0.1 (alone: every interface)')
    .option('--allow-writes', 'allow processor resets from the UI')
    .option(
      '--aggregate <Type=module#Export>',
      'an aggregate class or decider for "state at version" (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--upcasters <module#Export>', "the application's upcasters (an array)")
    .action(action((command) => inspectCommand(context(command), command.opts())));

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
