import { type RebuildProgress, rebuildProjection } from '@chronicle/core';
import type { CommandContext } from '../command-context';
import { loadProjection } from '../model/load-projection';
import { requireProjectable, withStore } from '../open-store';
import { progressBar } from '../progress';
import { stopSignal } from '../stop-signal';

/** Options of `chronicle rebuild`. */
export interface RebuildCommandOptions {
  /** `--projection ./path.ts#Export`: the projection definition whose version to build. */
  readonly projection: string;
  /** `--keep-old`: keep the older versions' documents (retired) instead of dropping them after the switch. */
  readonly keepOld?: boolean | undefined;
  /** `--batch-size`: events per batch, one transaction each (a stop waits for the batch in hand). */
  readonly batchSize?: number | undefined;
}

/** Thrown when the projection has no stored version yet: there is nothing to rebuild beside. Exits 1. */
export class NothingToRebuildError extends Error {
  override readonly name = 'NothingToRebuildError';
}

/** The outcome `rebuild` reports (and prints as the last JSON line). */
interface RebuildSummary {
  readonly projection: string;
  readonly version: number;
  /** `switched`: now active; `already-active`: nothing to do; `stopped`: interrupted, rerun to resume. */
  readonly outcome: 'switched' | 'already-active' | 'stopped';
  /** Positions examined by this run. */
  readonly done: string;
  readonly seconds: number;
}

/**
 * `chronicle rebuild --projection ./path.ts#Export`: builds the definition's version side by side
 * from the log while the active version keeps serving (`rebuildProjection`), then switches readers to
 * it. Ctrl+C stops after the batch in hand (exit 1); the same command resumes from its checkpoint.
 * Progress: a bar on a terminal, NDJSON lines under `--json`.
 */
export async function rebuildCommand(
  context: CommandContext,
  options: RebuildCommandOptions,
): Promise<number> {
  const { target, io, json, colour } = context;
  const definition = await loadProjection(options.projection, io.cwd ?? process.cwd());
  const label = `${definition.name} v${definition.version}`;
  const summary = await withStore(target, { access: 'write' }, async (opened) => {
    const store = requireProjectable(opened, 'rebuild');
    const versions = await store.projections.versions(definition.name);
    if (versions.length === 0) {
      // rebuildProjection would register the version as active with no documents: start it instead.
      throw new NothingToRebuildError(
        `projection ${definition.name} has no stored version yet: start it in your application (startProjection, or inlineProjections on the store); rebuild builds a new version beside the active one`,
      );
    }
    const bar = json ? undefined : progressBar(io.err, `rebuilding ${label}`);
    const onProgress = (p: RebuildProgress) => {
      if (json) io.out.write(`${JSON.stringify(progressLine(p))}\n`);
      else bar!.update(Number(p.done), Number(p.total));
    };
    const stop = stopSignal(io, { endOfInput: false });
    const began = Date.now();
    try {
      const result = await rebuildProjection(store, definition, {
        onProgress,
        keepOldVersions: options.keepOld === true,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        signal: stop.signal,
      });
      const outcome: RebuildSummary['outcome'] = result.switched
        ? 'switched'
        : stop.signal.aborted
          ? 'stopped'
          : 'already-active';
      return {
        projection: definition.name,
        version: definition.version,
        outcome,
        done: result.done.toString(),
        seconds: (Date.now() - began) / 1000,
      } satisfies RebuildSummary;
    } finally {
      stop.dispose();
      bar?.stop();
    }
  });
  if (json) io.out.write(`${JSON.stringify({ type: 'done', ...summary })}\n`);
  else if (summary.outcome === 'switched') {
    io.out.write(
      `${colour.green(label)} is active: ${summary.done} positions examined in ${summary.seconds.toFixed(1)} s${options.keepOld === true ? ' (older versions kept, retired)' : ''}\n`,
    );
  } else if (summary.outcome === 'already-active') {
    io.out.write(`${label} is already the active version: nothing to rebuild\n`);
  } else {
    io.err.write(
      `${colour.yellow('stopped')}: ${label} is still building (${summary.done} positions examined by this run); run the same command again to resume\n`,
    );
  }
  return summary.outcome === 'stopped' ? 1 : 0;
}

const progressLine = (p: RebuildProgress) => ({
  type: 'progress',
  done: p.done.toString(),
  total: p.total.toString(),
  rate: Math.round(p.rate),
  etaSeconds: p.etaSeconds === undefined ? null : Math.ceil(p.etaSeconds),
});
