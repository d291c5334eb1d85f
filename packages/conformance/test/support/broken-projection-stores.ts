// Deliberately broken projection storage, one short wrapper each over the in-memory store, and the
// conformance tests that must catch them (issue #14).
import {
  createInMemoryEventStore,
  type DomainEvent,
  type EventStoreOptions,
  type InMemoryEventStore,
  type ProjectableEventStore,
} from '@chronicle/core';
import { createInlineProjections, type ProjectionStorage } from '@chronicle/core/adapter';
import type { BrokenStore } from './broken-stores';

const broken = (
  name: string,
  caughtBy: readonly string[],
  wrap: (options: EventStoreOptions | undefined) => ProjectableEventStore,
): BrokenStore => ({
  name,
  caughtBy,
  options: { name, capabilities: { subscriptions: true, projections: true }, createStore: wrap },
});

/** `inner` with its projections port replaced. */
const withStorage = (inner: InMemoryEventStore, projections: ProjectionStorage): ProjectableEventStore => ({
  ...inner,
  projections,
});

const ASYNC_EXACTLY_ONCE =
  'projections/async: after whenProcessed the documents equal the fold — exactly once across transient failures and restarts';

export const brokenProjectionStores: readonly BrokenStore[] = [
  broken('the checkpoint is saved outside the projection transaction', [ASYNC_EXACTLY_ONCE], (options) => {
    const inner = createInMemoryEventStore(options);
    return withStorage(inner, {
      ...inner.projections,
      transaction: (work, o) =>
        inner.projections.transaction(
          (tx) =>
            work({
              ...tx,
              saveCheckpoint: (id, position, save) => inner.checkpoints.save(id, position, save),
            }),
          o,
        ),
    });
  }),
  broken('document writes are not rolled back with the transaction', [ASYNC_EXACTLY_ONCE], (options) => {
    const inner = createInMemoryEventStore(options);
    const committed = inner.projections;
    return withStorage(inner, {
      ...committed,
      transaction: (work, o) =>
        committed.transaction(
          (tx) =>
            work({
              ...tx,
              documents: {
                ...tx.documents,
                // Each write commits at once in a transaction of its own.
                put: (at, id, json) => committed.transaction((own) => own.documents.put(at, id, json)),
                delete: (at, id) => committed.transaction((own) => own.documents.delete(at, id)),
              },
            }),
          o,
        ),
    });
  }),
  broken(
    'inline projections run after the append commits',
    [
      'projections/inline: a throwing handler leaves neither event nor document, and the caller gets a ProjectionError with the cause',
      'projections/inline: after every append, failed ones included, the documents equal the fold of the committed events',
    ],
    (options) => {
      const { inlineProjections, ...rest } = options ?? {};
      const inner = createInMemoryEventStore(rest);
      const inline = createInlineProjections(inlineProjections);
      return {
        ...inner,
        async append(stream, expectedVersion, events) {
          const result = await inner.append(stream, expectedVersion, events);
          const appended: DomainEvent[] = [];
          for await (const event of inner.readAll({ fromPosition: result.firstPosition - 1n })) {
            if (event.position <= result.lastPosition) appended.push(event);
          }
          await inner.projections.transaction((tx) => inline.apply(tx, appended));
          return result;
        },
      };
    },
  ),
];
