import type { CommandContext } from '../command-context';
import { SCAN_PAGE, type StoredEvent } from '../inspect/inspection';
import { withInspection } from '../open-store';
import { printJson } from '../output';
import { parseStreamRef } from '../stream-ref';
import { formatEvent } from './format-event';

/** Options of `chronicle stream`. */
export interface StreamOptions {
  /** `--at VERSION`: only the events up to this version. */
  readonly at?: number | undefined;
}

/** Thrown when the stream has no events, or fewer than `--at` asks for. Exits 1. */
export class StreamNotFoundError extends Error {
  override readonly name = 'StreamNotFoundError';
}

/** `chronicle stream <type>/<id>`: a stream's events, oldest first, up to `--at` when given. */
export async function streamCommand(
  context: CommandContext,
  ref: string,
  options: StreamOptions,
): Promise<number> {
  const { target, io, json, colour } = context;
  const { type, id } = parseStreamRef(ref, 'stream');
  const events = await withInspection(target, async (inspection) => {
    const all: StoredEvent[] = [];
    for (;;) {
      const page = await inspection.streamEvents({
        type,
        id,
        afterVersion: all[all.length - 1]?.version ?? 0,
        toVersion: options.at,
        limit: SCAN_PAGE,
      });
      all.push(...page);
      if (page.length < SCAN_PAGE) return all;
    }
  });
  if (events.length === 0) throw new StreamNotFoundError(`stream ${type}/${id} has no events`);
  const version = events[events.length - 1]!.version;
  if (options.at !== undefined && version < options.at) {
    throw new StreamNotFoundError(`stream ${type}/${id} is at version ${version}, below --at ${options.at}`);
  }
  if (json) {
    printJson(io, { stream: { type, id }, version, events });
    return 0;
  }
  io.out.write(`${colour.bold(`${type}/${id}`)} at version ${version}\n`);
  for (const event of events) io.out.write(`${formatEvent(event, colour)}\n`);
  return 0;
}
