import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WorkshopError } from '../../errors';
import type { CliArgs } from '../args';
import type { CommandContext } from '../context';

/**
 * Where a learner's events are, in the order the runner looks: `--db`, `CHRONICLE_DB`, the workshop's
 * own database (`.chronicle/workshop.db`, for tracks whose code keeps a store there), then the file
 * `pnpm demo` writes (`chronicle-demo.db`).
 */
export function workshopDatabases(root: string): string[] {
  return [join(root, '.chronicle', 'workshop.db'), join(root, 'chronicle-demo.db')];
}

/**
 * `inspect`: serves the web inspector (`@chronicle/cli`) on the learner's database, read-only on
 * 127.0.0.1, until Ctrl+C — so a learner sees the events their code wrote.
 */
export async function inspectCommand(
  ctx: CommandContext,
  args: Pick<CliArgs, 'db' | 'port'>,
  signal: AbortSignal,
): Promise<number> {
  const { root } = ctx.workshop;
  const given = args.db ?? ctx.io.env.CHRONICLE_DB;
  const candidates =
    given !== undefined && given !== '' ? [resolve(ctx.io.cwd, given)] : workshopDatabases(root);
  const db = candidates.find((file) => existsSync(file));
  if (db === undefined) {
    throw new WorkshopError(
      'NO_DATABASE',
      `No database to inspect: looked for ${candidates.join(', ')}. Run \`pnpm demo\` (it writes chronicle-demo.db), or pass --db <file> to point at the SQLite file your code writes.`,
    );
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WorkshopError('USAGE', `--port must be 0 to 65535, got "${args.port}".`);
  }
  // Loaded on demand: the inspector (and its database drivers) is needed by this command only.
  const { parseTarget, startInspector } = await import('@chronicle/cli');
  const inspector = await startInspector({ target: parseTarget(db, undefined), port });
  try {
    ctx.out(`Inspecting ${ctx.style.bold(db)}`);
    ctx.out(`Open ${ctx.style.bold(inspector.url)} in your browser (read-only). Ctrl+C to stop.`);
    if (!signal.aborted) await new Promise((done) => signal.addEventListener('abort', done, { once: true }));
  } finally {
    await inspector.close();
  }
  return 0;
}
