import type { DomainEvent } from '../contract/types';
import { ProjectionError } from '../errors';
import { collectionAddress, createDocumentCollection } from './document-collection';
import type {
  DocumentCollection,
  JsonDocument,
  ProjectionContext,
  ProjectionDefinition,
  ProjectionHandler,
} from './projection-contract';
import type { ProjectionTransaction } from './projection-storage';

/** The handler context of one projection version inside `tx`. */
export function projectionContext(
  definition: ProjectionDefinition,
  tx: ProjectionTransaction,
): ProjectionContext {
  // One collection object per name for the context's life (a batch): handlers call `documents(name)`
  // per event, and building the collection (address, validation, closures) each time was a measured
  // share of a catch-up's client CPU. A name is validated on first use, so a bad one still throws.
  const collections = new Map<unknown, DocumentCollection<JsonDocument>>();
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
  for (const event of events) {
    if (!handles(definition, event)) continue;
    try {
      await handlers[event.eventType]!(event, context);
    } catch (error) {
      throw new ProjectionError(definition, event, error);
    }
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
  await definition.setup?.(projectionContext(definition, tx));
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
    await definition.teardown?.(projectionContext({ ...definition, version: other.version }, tx));
    await tx.documents.drop(definition.name, other.version);
  }
  await tx.setVersionStatus(definition.name, definition.version, 'active');
}
