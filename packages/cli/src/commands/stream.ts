import type { CommandContext } from '../command-context';
import { SCAN_PAGE, type StoredEvent } from '../inspect/inspection';
import { loadExport, parseExportRef } from '../model/load-export';
import { loadUpcasters } from '../model/load-upcasters';
import { stateAt, toStateModel } from '../model/state-at-version';
import { withInspection, withStore } from '../open-store';
import { printJson } from '../output';
import { parseStreamRef } from '../stream-ref';
import { formatEvent } from './format-event';

/** Options of `chronicle stream`. */
export interface StreamOptions {
  /** `--at VERSION`: only the events up to this version. */
  readonly at?: number | undefined;
  /** `--aggregate ./path.ts#Export`: also print the state at that version, rebuilt by the user's model. */
  readonly aggregate?: string | undefined;
  /** `--upcasters ./path.ts#Export`: upcast events before the model sees them. */
  readonly upcasters?: string | undefined;
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
  const state =
    options.aggregate === undefined ? undefined : await modelState(context, { type, id }, version, options);
  if (json) {
    printJson(io, {
      stream: { type, id },
      version,
      events,
      ...(state !== undefined && { model: state.model, state: state.value }),
    });
    return 0;
  }
  io.out.write(`${colour.bold(`${type}/${id}`)} at version ${version}\n`);
  for (const event of events) io.out.write(`${formatEvent(event, colour)}\n`);
  if (state !== undefined) {
    io.out.write(
      `${colour.bold(`state (${state.model})`)} at version ${version}:\n${JSON.stringify(state.value, null, 2)}\n`,
    );
  }
  return 0;
}

/** The state at `version`, rebuilt from the upcast events by the model `--aggregate` points at. */
async function modelState(
  { target, io }: CommandContext,
  stream: { readonly type: string; readonly id: string },
  version: number,
  options: StreamOptions,
): Promise<{ readonly model: string; readonly value: unknown }> {
  const cwd = io.cwd ?? process.cwd();
  const model = toStateModel(
    await loadExport(parseExportRef(options.aggregate!, '--aggregate', cwd), '--aggregate'),
    '--aggregate',
  );
  const upcasters = await loadUpcasters(options.upcasters, cwd);
  const { state } = await withStore(target, { access: 'read', upcasters }, (store) =>
    stateAt(store, model, { aggregateType: stream.type, aggregateId: stream.id }, version),
  );
  return { model: model.name, value: state };
}
