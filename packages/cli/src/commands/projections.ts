import type { EventStore } from '@chronicle/core';
import type { CommandContext } from '../command-context';
import type { Inspection } from '../inspect/inspection';
import { NotSupportedError } from '../inspect/open-errors';
import type { ProjectionVersionRow } from '../inspect/projection-reads';
import { isSubscribable, withInspection, withStore } from '../open-store';
import { printJson, table } from '../output';

/** One projection version as `projections` lists it. */
export interface ProjectionSummary extends ProjectionVersionRow {
  /**
   * The checkpoint of its processor (`projection:<name>@<version>`): how far an async run or a
   * rebuild has come. `null` for a version never run async (an inline one).
   */
  readonly checkpoint: string | null;
  /** `head - checkpoint` (0 when caught up), `null` without a checkpoint. */
  readonly lag: string | null;
  /** The collections holding documents in this version. */
  readonly collections: readonly string[];
}

/**
 * Throws NotSupportedError unless the store's schema has the projections' tables.
 */
export async function requireProjectionTables(inspection: Inspection, what: string): Promise<void> {
  if (!(await inspection.projections.supported())) {
    throw new NotSupportedError(
      `${what}: ${inspection.location} has no projections tables (schema version ${inspection.schemaVersion}): upgrade @chronicle/cli to a release with projections, then run \`chronicle migrate\``,
    );
  }
}

/**
 * Every stored projection version with its collections, checkpoint and lag against the head.
 *
 * @throws NotSupportedError when the schema has no projections tables
 */
export async function listProjections(
  inspection: Inspection,
  store: EventStore,
): Promise<{ readonly head: string | null; readonly projections: ProjectionSummary[] }> {
  await requireProjectionTables(inspection, 'projections');
  const head = await inspection.head();
  const versions = await inspection.projections.versions();
  const checkpoints = new Map(
    isSubscribable(store) ? (await store.checkpoints.list()).map((c) => [c.processorId, c.position]) : [],
  );
  const projections = await Promise.all(
    versions.map(async (v): Promise<ProjectionSummary> => {
      const checkpoint = checkpoints.get(`projection:${v.name}@${v.version}`);
      const lag = checkpoint === undefined ? undefined : BigInt(head ?? '0') - checkpoint;
      return {
        ...v,
        collections: await inspection.projections.collections(v.name, v.version),
        checkpoint: checkpoint?.toString() ?? null,
        lag: lag === undefined ? null : (lag > 0n ? lag : 0n).toString(),
      };
    }),
  );
  return { head, projections };
}

/** `chronicle projections`: every stored projection version, its status, checkpoint and lag. */
export async function projectionsCommand(context: CommandContext): Promise<number> {
  const { io, json, colour } = context;
  const listed = await withInspection(context.target, (inspection) =>
    withStore(context.target, { access: 'read' }, (store) => listProjections(inspection, store)),
  );
  if (json) {
    printJson(io, listed);
    return 0;
  }
  if (listed.projections.length === 0) {
    io.err.write('no projections are stored yet\n');
    return 0;
  }
  const status = (s: ProjectionVersionRow['status']) =>
    s === 'active' ? colour.green(s) : s === 'building' ? colour.yellow(s) : colour.dim(s);
  io.out.write(
    `${table([
      ['PROJECTION', 'VERSION', 'STATUS', 'CHECKPOINT', 'LAG', 'COLLECTIONS', 'UPDATED'].map((h) =>
        colour.bold(h),
      ),
      ...listed.projections.map((p) => [
        p.name,
        String(p.version),
        status(p.status),
        p.checkpoint ?? '-',
        p.lag ?? '-',
        p.collections.join(',') || '-',
        p.updatedAt,
      ]),
    ])}\n`,
  );
  return 0;
}
