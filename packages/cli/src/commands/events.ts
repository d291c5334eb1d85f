import type { CommandContext } from '../command-context';
import { fromDomainEvent } from '../inspect/event-row';
import type { StoredEvent } from '../inspect/inspection';
import { loadUpcasters } from '../model/load-upcasters';
import { requireSubscribable, withInspection, withStore } from '../open-store';
import { printJson } from '../output';
import { stopSignal } from '../stop-signal';
import { formatEvent } from './format-event';

/** Options of `chronicle events`. */
export interface EventsOptions {
  /** `--from POS`: the first position to show (inclusive). */
  readonly from?: bigint | undefined;
  readonly type?: string | undefined;
  readonly limit: number;
  /** `--follow`: after the page, keep printing new events until Ctrl+C or the end of input. */
  readonly follow?: boolean | undefined;
  /** `--upcasters ./path.ts#Export` (with `--follow`): read events as the application does. */
  readonly upcasters?: string | undefined;
}

/** `chronicle events`: a page of the log in position order; `next` is the `--from` of the next page. */
export async function eventsCommand(context: CommandContext, options: EventsOptions): Promise<number> {
  if (options.follow === true) return followEvents(context, options);
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

/**
 * `chronicle events --follow`: `tail -f` for the log, on the store's subscription. Starts after the
 * head (or at `--from`), prints each event as it commits (one JSON object a line under `--json`), and
 * ends cleanly, exit 0, on Ctrl+C, SIGTERM or the end of its input.
 */
async function followEvents(context: CommandContext, options: EventsOptions): Promise<number> {
  const { target, io, json, colour } = context;
  const upcasters = await loadUpcasters(options.upcasters, io.cwd ?? process.cwd());
  const head = await withInspection(target, (inspection) => inspection.head());
  const from = options.from === undefined ? BigInt(head ?? '0') : options.from - 1n;
  const stop = stopSignal(io, { endOfInput: true });
  try {
    await withStore(target, { access: 'read', upcasters }, async (opened) => {
      const store = requireSubscribable(opened, 'events --follow');
      io.err.write(colour.dim(`following the log after position ${from} (Ctrl+C to stop)\n`));
      const filter = options.type === undefined ? {} : { filter: { eventTypes: [options.type] } };
      for await (const batch of store.subscribe({ from, ...filter, signal: stop.signal })) {
        for (const event of batch.events) io.out.write(`${render(fromDomainEvent(event))}\n`);
      }
    });
  } finally {
    stop.dispose();
  }
  return 0;

  function render(event: StoredEvent): string {
    return json
      ? JSON.stringify(event, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
      : formatEvent(event, colour);
  }
}
