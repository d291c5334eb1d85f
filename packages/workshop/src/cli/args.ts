import { parseArgs } from 'node:util';
import { WorkshopError } from '../errors';

/** The runner's commands. */
export const COMMANDS = ['list', 'verify', 'hint', 'watch', 'reset', 'solution', 'inspect', 'help'] as const;

/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** What the command line asked for. */
export interface CliArgs {
  readonly command: CommandName;
  /** The step named on the command line, if any. */
  readonly step: string | undefined;
  /** `--root`: the workshop root; default: found from the working directory upwards. */
  readonly root: string | undefined;
  /** `--color` / `--no-color`; `undefined` means decide from the terminal and environment. */
  readonly color: boolean | undefined;
  /** `inspect --db FILE`: the database to inspect (default: the workshop's, see commands/inspect.ts). */
  readonly db?: string | undefined;
  /** `inspect --port P`: the inspector's port (default: any free one). */
  readonly port?: string | undefined;
}

const ALIASES: Readonly<Record<string, CommandName>> = { ls: 'list', check: 'verify', run: 'verify' };

const isCommand = (value: string): value is CommandName => (COMMANDS as readonly string[]).includes(value);

/**
 * Parses the runner's arguments (without `node` and the script). No command means `list`.
 *
 * @throws WorkshopError (`USAGE`) for an unknown command or option, or a missing/extra argument
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new WorkshopError('USAGE', (error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.color && values['no-color']) {
    throw new WorkshopError('USAGE', 'Use either --color or --no-color, not both.');
  }
  const color = values.color ? true : values['no-color'] ? false : undefined;
  const root = values.root;
  if (values.help) return { command: 'help', step: undefined, root, color };
  const inspectOptions = { db: values.db, port: values.port };
  const [first, ...rest] = positionals;
  const name = first === undefined ? 'list' : (ALIASES[first] ?? first);
  if (!isCommand(name)) {
    throw new WorkshopError('USAGE', `Unknown command "${first}". Commands: ${COMMANDS.join(', ')}.`);
  }
  if ((inspectOptions.db !== undefined || inspectOptions.port !== undefined) && name !== 'inspect') {
    throw new WorkshopError('USAGE', '--db and --port go with inspect.');
  }
  if (rest.length > 1 || (rest.length === 1 && (name === 'list' || name === 'help' || name === 'inspect'))) {
    throw new WorkshopError('USAGE', `Too many arguments for ${name}: ${rest.join(' ')}`);
  }
  const step = rest[0];
  if (step === undefined && (name === 'reset' || name === 'solution')) {
    throw new WorkshopError('USAGE', `${name} needs a step, e.g. \`${name} bank-account/01-schema\`.`);
  }
  return { command: name, step, root, color, ...(name === 'inspect' && inspectOptions) };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      root: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      db: { type: 'string' },
      port: { type: 'string' },
    },
  });
}
