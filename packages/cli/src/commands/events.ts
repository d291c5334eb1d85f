import type { CommandContext } from '../command-context';
import { withInspection } from '../open-store';
import { printJson } from '../output';
import { formatEvent } from './format-event';

/** Options of `chronicle events`. */
export interface EventsOptions {
  /** `--from POS`: the first position to show (inclusive). */
  readonly from?: bigint | undefined;
  readonly type?: string | undefined;
  readonly limit: number;
}

/** `chronicle events`: a page of the log in position order; `next` is the `--from` of the next page. */
export async function eventsCommand(context: CommandContext, options: EventsOptions): Promise<number> {
  const { target, io, json, colour } = context;
  const after = options.from === undefined ? null : (options.from - 1n).toString();
  const rows = await withInspection(target, (inspection) =>
    inspection.events({ after, type: options.type, limit: options.limit + 1 }),
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > options.limit && last !== undefined ? (BigInt(last.position) + 1n).toString() : null;
  if (json) {
    printJson(io, { events: page, next });
    return 0;
  }
  for (const event of page) io.out.write(`${formatEvent(event, colour)}\n`);
  if (page.length === 0) io.err.write('no events\n');
  if (next !== null) io.err.write(colour.dim(`more: chronicle events --from ${next}\n`));
  return 0;
}
