import {
  type Checkpoint,
  type ParkedEvent,
  replayParked,
  type SubscribableEventStore,
} from '@chronicle/core';
import type { CommandContext } from '../command-context';
import { UsageError } from '../errors';
import { loadExport, parseExportRef } from '../model/load-export';
import { requireSubscribable, withInspection, withStore } from '../open-store';
import { printJson, table } from '../output';

/** One processor as `processors` lists it. */
export interface ProcessorSummary {
  readonly processorId: string;
  /** Its checkpoint: every event at or below it was handled (or parked). */
  readonly position: string;
  /** `head - position`, in positions; 0 when caught up. */
  readonly lag: string;
  readonly parked: number;
  readonly updatedAt: string;
}

/** Thrown for a processor id with no checkpoint and nothing parked. Exits 1. */
export class ProcessorNotFoundError extends Error {
  override readonly name = 'ProcessorNotFoundError';
}

/** Every processor's checkpoint with its lag against the head and its parked count. */
export async function listProcessors(
  store: SubscribableEventStore,
  head: string | null,
): Promise<ProcessorSummary[]> {
  const checkpoints = await store.checkpoints.list();
  return Promise.all(checkpoints.map(async (c) => summarize(store, c, head)));
}

async function summarize(
  store: SubscribableEventStore,
  checkpoint: Checkpoint,
  head: string | null,
): Promise<ProcessorSummary> {
  const lag = BigInt(head ?? '0') - checkpoint.position;
  return {
    processorId: checkpoint.processorId,
    position: checkpoint.position.toString(),
    lag: (lag > 0n ? lag : 0n).toString(),
    parked: (await store.checkpoints.listParked(checkpoint.processorId)).length,
    updatedAt: checkpoint.updatedAt.toISOString(),
  };
}

const headOf = (context: CommandContext) => withInspection(context.target, (inspection) => inspection.head());

/** `chronicle processors`: every processor's checkpoint, lag and parked count. */
export async function processorsCommand(context: CommandContext): Promise<number> {
  const { target, io, json, colour } = context;
  const head = await headOf(context);
  const processors = await withStore(target, { access: 'read' }, (store) =>
    listProcessors(requireSubscribable(store, 'processors'), head),
  );
  if (json) {
    printJson(io, { head, processors });
    return 0;
  }
  if (processors.length === 0) {
    io.err.write('no processors have a checkpoint yet\n');
    return 0;
  }
  io.out.write(
    `${table([
      ['PROCESSOR', 'CHECKPOINT', 'LAG', 'PARKED', 'UPDATED'].map((h) => colour.bold(h)),
      ...processors.map((p) => [
        p.processorId,
        p.position,
        p.lag === '0' ? colour.green('0') : colour.yellow(p.lag),
        p.parked === 0 ? '0' : colour.red(String(p.parked)),
        p.updatedAt,
      ]),
    ])}\n`,
  );
  return 0;
}

/** What `chronicle processor <id> [action]` does. */
export type ProcessorAction =
  | { readonly kind: 'show' }
  | { readonly kind: 'parked' }
  | { readonly kind: 'reset'; readonly to: bigint | 'start' | 'end' }
  | { readonly kind: 'replay'; readonly handler: string };

/**
 * `chronicle processor <id>`: one processor (`show`), its parked events (`parked`), the operator's
 * rewind (`reset --to POS`, a write: stop the processor's instances first) or a replay of its parked
 * events through the application's handler (`replay --handler ./path.ts#Export`, a write).
 */
export async function processorCommand(
  context: CommandContext,
  processorId: string,
  action: ProcessorAction,
): Promise<number> {
  const { target, io, json, colour } = context;
  const head = await headOf(context);
  const access = action.kind === 'reset' || action.kind === 'replay' ? 'write' : 'read';
  const handler =
    action.kind === 'replay' ? await loadHandler(action.handler, io.cwd ?? process.cwd()) : undefined;
  return withStore(target, { access }, async (opened) => {
    const store = requireSubscribable(opened, `processor ${action.kind}`);
    const checkpoint = await store.checkpoints.load(processorId);
    const parked = await store.checkpoints.listParked(processorId);
    if (checkpoint === undefined && parked.length === 0 && action.kind !== 'reset') {
      throw new ProcessorNotFoundError(`processor ${processorId} has no checkpoint and nothing parked`);
    }
    switch (action.kind) {
      case 'show': {
        // A processor that parked events but never saved a checkpoint has only its parked count.
        const shown =
          checkpoint === undefined
            ? { processorId, parked: parked.length }
            : await summarize(store, checkpoint, head);
        if (json) printJson(io, { processor: shown });
        else io.out.write(`${table(Object.entries(shown).map(([key, value]) => [key, String(value)]))}\n`);
        return 0;
      }
      case 'parked': {
        if (json) printJson(io, { processorId, parked: parked.map(parkedJson) });
        else if (parked.length === 0) io.err.write(`${processorId} has no parked events\n`);
        else {
          io.out.write(
            `${table([
              ['POSITION', 'EVENT TYPE', 'ATTEMPTS', 'PARKED AT', 'ERROR'].map((h) => colour.bold(h)),
              ...parked.map((p) => [
                String(p.position),
                p.eventType,
                String(p.attempts),
                p.parkedAt.toISOString(),
                p.error,
              ]),
            ])}\n`,
          );
        }
        return 0;
      }
      case 'reset': {
        const to = action.to === 'start' ? 0n : action.to === 'end' ? BigInt(head ?? '0') : action.to;
        if (to > BigInt(head ?? '0')) {
          throw new UsageError(`--to ${to} is beyond the head of the log (${head ?? 'empty'})`);
        }
        await store.checkpoints.reset(processorId, to);
        const from = checkpoint?.position.toString() ?? null;
        if (json) printJson(io, { processorId, from, to: to.toString() });
        else
          io.out.write(`${processorId}: checkpoint ${from ?? '(none)'} -> ${colour.bold(to.toString())}\n`);
        return 0;
      }
      case 'replay': {
        const result = await replay(store, processorId, handler!);
        if (json) printJson(io, result);
        else {
          io.out.write(
            `${processorId}: ${result.replayed.length} replayed, ${result.failed.length} failed\n`,
          );
          for (const f of result.failed) io.out.write(`  ${colour.red(f.position)}  ${f.error}\n`);
        }
        return result.failed.length === 0 ? 0 : 1;
      }
    }
  });
}

const parkedJson = (p: ParkedEvent) => ({
  position: p.position.toString(),
  eventId: p.eventId,
  eventType: p.eventType,
  attempts: p.attempts,
  parkedAt: p.parkedAt.toISOString(),
  error: p.error,
});

type Handler = Parameters<typeof replayParked>[2];

async function loadHandler(text: string, cwd: string): Promise<Handler> {
  const value = await loadExport(parseExportRef(text, '--handler', cwd), '--handler');
  const handle =
    typeof value === 'function'
      ? value
      : typeof (value as { handle?: unknown } | null)?.handle === 'function'
        ? (value as { handle: Handler }).handle.bind(value)
        : undefined;
  if (handle === undefined) {
    throw new UsageError('--handler: expected a function (event, context) => … or an object with handle()');
  }
  return handle as Handler;
}

async function replay(store: SubscribableEventStore, processorId: string, handle: Handler) {
  const { replayed, failed } = await replayParked(store, processorId, handle);
  return {
    processorId,
    replayed: replayed.map(String),
    failed: failed.map((f) => ({ position: f.position.toString(), error: f.error.message })),
  };
}
