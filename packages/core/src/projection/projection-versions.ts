import type { EventFilter } from '../contract/consuming';
import { InvalidArgumentError } from '../errors';
import { setUpVersion } from './apply-events';
import type { ProjectionDefinition, ProjectionVersionStatus } from './projection-contract';
import type { ProjectableEventStore, ProjectionTransaction } from './projection-storage';

/** The checkpoint (and processor) id of one projection version: versions never share progress. */
export const projectionProcessorId = (definition: ProjectionDefinition): string =>
  `projection:${definition.name}@${definition.version}`;

/** The subscription filter of a projection: its handled event types (and aggregate types). */
export const projectionFilter = (definition: ProjectionDefinition): EventFilter =>
  definition.aggregateTypes === undefined
    ? { eventTypes: definition.eventTypes }
    : { eventTypes: definition.eventTypes, aggregateTypes: definition.aggregateTypes };

/**
 * The status of `definition`'s version inside `tx`, registering it when new: `'active'` at once when
 * the projection has no version at all (nothing older to serve), `'building'` beside an older one.
 * Indexes and `setup` run when a version is registered. A retired version stays retired.
 */
export async function registerVersion(
  definition: ProjectionDefinition,
  tx: ProjectionTransaction,
): Promise<ProjectionVersionStatus> {
  const versions = await tx.versions(definition.name);
  const mine = versions.find((v) => v.version === definition.version);
  if (mine !== undefined) return mine.status;
  const status = versions.length === 0 ? 'active' : 'building';
  await setUpVersion(definition, tx);
  await tx.setVersionStatus(definition.name, definition.version, status);
  return status;
}

/**
 * Throws `InvalidArgumentError` when `status` is `'retired'`: a retired version's checkpoint no
 * longer matches its (dropped) documents, so it cannot be run or rebuilt again — bump the version.
 */
export function assertNotRetired(definition: ProjectionDefinition, status: ProjectionVersionStatus): void {
  if (status !== 'retired') return;
  throw new InvalidArgumentError(
    'projection.version',
    `${definition.version} of '${definition.name}' was retired; bump the version to build it again`,
  );
}

/** Throws `InvalidArgumentError` unless `store` offers the projections port. */
export function assertProjectable(store: unknown): asserts store is ProjectableEventStore {
  const s = store as Partial<ProjectableEventStore> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.subscribe !== 'function' ||
    typeof s.projections?.transaction !== 'function'
  ) {
    throw new InvalidArgumentError(
      'store',
      'must be a store with projections (the capability `projections`)',
    );
  }
}

/** Throws `InvalidArgumentError` unless `definition` came from `defineProjection`. */
export function assertDefinition(definition: unknown): asserts definition is ProjectionDefinition {
  const d = definition as Partial<ProjectionDefinition> | null;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.eventTypes) || typeof d.name !== 'string') {
    throw new InvalidArgumentError('projection', 'must be a projection made by defineProjection');
  }
}
