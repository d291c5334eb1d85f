import type { CommandContext } from '../command-context';
import { withInspection } from '../open-store';
import { printJson, table } from '../output';
import { parseStreamRef } from '../stream-ref';

/** Options of `chronicle streams`. */
export interface StreamsOptions {
  readonly type?: string | undefined;
  readonly limit: number;
  /** `--after <type>/<id>`: the page after this stream (the `next` of the previous page). */
  readonly after?: string | undefined;
}

/**
 * `chronicle streams`: one page of streams in (type, id) order. Keyset pagination: a page costs the
 * same however deep it is, and nothing beyond it is read.
 */
export async function streamsCommand(context: CommandContext, options: StreamsOptions): Promise<number> {
  const { target, io, json, colour } = context;
  const after = options.after === undefined ? undefined : parseStreamRef(options.after, '--after');
  const rows = await withInspection(target, (inspection) =>
    inspection.streams({ type: options.type, after, limit: options.limit + 1 }),
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > options.limit && last !== undefined ? `${last.aggregateType}/${last.aggregateId}` : null;
  if (json) {
    printJson(io, { streams: page, next });
    return 0;
  }
  if (page.length === 0) {
    io.err.write('no streams\n');
    return 0;
  }
  io.out.write(
    `${table([
      ['STREAM', 'VERSION', 'LAST POSITION'].map((h) => colour.bold(h)),
      ...page.map((s) => [`${s.aggregateType}/${s.aggregateId}`, String(s.version), s.lastPosition]),
    ])}\n`,
  );
  if (next !== null) io.err.write(colour.dim(`more: chronicle streams --after '${next}'\n`));
  return 0;
}
