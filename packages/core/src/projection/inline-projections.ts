import type { DomainEvent } from '../contract/types';
import { applyEvents, handles, setUpVersion } from './apply-events';
import { assertDistinctProjections } from './define-projection';
import type { ProjectionDefinition } from './projection-contract';
import type { InlineProjections, ProjectionTransaction } from './projection-storage';

const NONE: InlineProjections = {
  isEmpty: true,
  async apply() {},
};

/**
 * Resolves a store's `inlineProjections` option into what its append runs (see
 * {@link InlineProjections}). Within an append, each definition is applied when its version is the
 * active one; a projection with no version yet starts with this append (its version becomes active:
 * a projection added to a store with history begins at the next append — rebuild it to include the
 * history). A version that is not active (being rebuilt, or retired) is left alone: the rebuild
 * brings it up to date and switches to it.
 *
 * @throws InvalidArgumentError when the option is not an array of distinct defined projections
 */
export function createInlineProjections(definitions: unknown): InlineProjections {
  if (definitions === undefined) return NONE;
  assertDistinctProjections(definitions, 'options.inlineProjections');
  if (definitions.length === 0) return NONE;
  return {
    isEmpty: false,
    async apply(tx: ProjectionTransaction, events: readonly DomainEvent[]) {
      for (const definition of definitions) {
        if (!events.some((event) => handles(definition, event))) continue;
        if (await isLive(definition, tx)) await applyEvents(definition, tx, events);
      }
    },
  };
}

/** Whether appends apply `definition` now; starts the projection when it has no version at all. */
async function isLive(definition: ProjectionDefinition, tx: ProjectionTransaction): Promise<boolean> {
  const versions = await tx.versions(definition.name);
  if (versions.length === 0) {
    await setUpVersion(definition, tx);
    await tx.setVersionStatus(definition.name, definition.version, 'active');
    return true;
  }
  return versions.some((v) => v.version === definition.version && v.status === 'active');
}
