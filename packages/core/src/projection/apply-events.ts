import type { DomainEvent } from '../contract/types';
import { ProjectionError } from '../errors';
import {
  type BufferedDocumentCollection,
  collectionAddress,
  createDocumentCollection,
} from './document-collection';
import type {
  DocumentCollection,
  JsonDocument,
  ProjectionContext,
  ProjectionDefinition,
  ProjectionHandler,
} from './projection-contract';
import type { ProjectionTransaction } from './projection-storage';

/** A handler context whose document writes are held back until `flush` (see `createDocumentCollection`). */
export interface BufferedProjectionContext extends ProjectionContext {
  /** Writes every collection's held-back writes; the engine calls it before the checkpoint or commit. */
  flush(): Promise<void>;
}

/** The handler context of one projection version inside `tx`. */
export function projectionContext(
  definition: ProjectionDefinition,
  tx: ProjectionTransaction,
): BufferedProjectionContext {
  // One collection object per name for the context's life (a batch): handlers call `documents(name)`
  // per event, and building the collection (address, validation, closures) each time was a measured
  // share of a catch-up's client CPU. A name is validated on first use, so a bad one still throws.
  const collections = new Map<unknown, BufferedDocumentCollection<JsonDocument>>();
  return {
    documents: <T extends JsonDocument>(collection: string) => {
      let found = collections.get(collection);
      if (found === undefined) {
        found = createDocumentCollection(
          tx.documents,
          collectionAddress(definition.name, definition.version, collection),
        );
        collections.set(collection, found);
      }
      return found as unknown as DocumentCollection<T>;
    },
    raw: tx.raw,
    async flush() {
      for (const collection of collections.values()) await collection.flush();
    },
  };
}

/** Whether `definition` handles `event` (its handled types and, when given, its aggregate types). */
export function handles(definition: ProjectionDefinition, event: DomainEvent): boolean {
  return (
    Object.hasOwn(definition.handlers, event.eventType) &&
    (definition.aggregateTypes === undefined || definition.aggregateTypes.includes(event.aggregateType))
  );
}

/**
 * Applies `events` (in position order) to one projection version inside `tx`, skipping those it does
 * not handle. A throwing handler becomes a `ProjectionError` with the handler's error as `cause`;
 * the caller's transaction then rolls back.
 */
export async function applyEvents(
  definition: ProjectionDefinition,
  tx: ProjectionTransaction,
  events: readonly DomainEvent[],
): Promise<void> {
  const context = projectionContext(definition, tx);
  const handlers = definition.handlers as Record<string, ProjectionHandler<string, unknown>>;
  let last: DomainEvent | undefined;
  for (const event of events) {
    if (!handles(definition, event)) continue;
    last = event;
    try {
      await handlers[event.eventType]!(event, context);
    } catch (error) {
      throw new ProjectionError(definition, event, error);
    }
  }
  if (last === undefined) return;
  try {
    await context.flush();
  } catch (error) {
    // The held-back writes of the batch fail together; the last event handled is the one named.
    throw new ProjectionError(definition, last, error);
  }
}

/** Starts a new version inside `tx`: its indexes, then the definition's own `setup`. */
export async function setUpVersion(
  definition: ProjectionDefinition,
  tx: ProjectionTransaction,
): Promise<void> {
  for (const [collection, fields] of Object.entries(definition.indexes ?? {})) {
    for (const field of fields) {
      await tx.documents.ensureIndex(
        collectionAddress(definition.name, definition.version, collection),
        field,
      );
    }
  }
  const context = projectionContext(definition, tx);
  await definition.setup?.(context);
  await context.flush();
}

/**
 * Makes `definition`'s version the active one inside `tx`: older versions are retired, and their
 * documents dropped (after `teardown`) unless `keep` is set.
 */
export async function switchToVersion(
  definition: ProjectionDefinition,
  tx: ProjectionTransaction,
  keep: boolean,
): Promise<void> {
  for (const other of await tx.versions(definition.name)) {
    if (other.version === definition.version || other.status === 'retired') continue;
    await tx.setVersionStatus(definition.name, other.version, 'retired');
    if (keep) continue;
    const context = projectionContext({ ...definition, version: other.version }, tx);
    await definition.teardown?.(context);
    await context.flush();
    await tx.documents.drop(definition.name, other.version);
  }
  await tx.setVersionStatus(definition.name, definition.version, 'active');
}
