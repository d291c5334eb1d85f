import type { DomainEvent } from '../contract/types';
import { applyEvents, handles } from './apply-events';
import { assertDistinctProjections } from './define-projection';
import type { InlineProjections, ProjectionTransaction } from './projection-storage';
import { registerVersion } from './projection-versions';

const NONE: InlineProjections = {
  isEmpty: true,
  async apply() {},
};

/**
 * Resolves a store's `inlineProjections` option into what its append runs (see
 * {@link InlineProjections}). Within an append, each definition is applied when its version is the
 * active one; a projection with no version yet starts with this append (its version becomes active:
 * a projection added to a store with history begins at the next append — rebuild it to include the
 * history). A new version beside an active one is registered as building and left alone until
 * `rebuildProjection` brings it up to date and switches to it; a retired one is skipped.
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
        if ((await registerVersion(definition, tx)) === 'active') await applyEvents(definition, tx, events);
      }
    },
  };
}
