import {
  type AnyDecider,
  type DomainEvent,
  type EventSourcedAggregate,
  type EventStore,
  UnknownEventTypeError,
} from '@chronicle/core';
import { UsageError } from '../errors';

/** Rebuilds one stream's state from its events: the user's aggregate class or decider. */
export interface StateModel {
  /** `'aggregate'` (an `AggregateRoot` subclass) or `'decider'`. */
  readonly kind: 'aggregate' | 'decider';
  /** The model's name, for output. */
  readonly name: string;
  /** The state after `events` (the stream's first events, in order). */
  fold(aggregateId: string, events: readonly DomainEvent[]): unknown;
}

// The fields AggregateRoot itself declares: not part of the application's state.
const AGGREGATE_INTERNALS = new Set([
  'aggregateType',
  'id',
  'handlers',
  'eventSchemaVersions',
  'snapshotSchemaVersion',
]);

/**
 * Recognises what `--aggregate` points at: a class whose instances are aggregates (`new X(id)`, with
 * `loadFromHistory`), or a decider (`{ initialState, evolve, decide }`).
 *
 * @throws UsageError when it is neither
 */
export function toStateModel(value: unknown, option: string): StateModel {
  if (typeof value === 'function' && typeof value.prototype?.loadFromHistory === 'function') {
    const Aggregate = value as new (id: string) => EventSourcedAggregate;
    return {
      kind: 'aggregate',
      name: Aggregate.name,
      fold(aggregateId, events) {
        const aggregate = new Aggregate(aggregateId);
        aggregate.loadFromHistory(events);
        return aggregateState(aggregate);
      },
    };
  }
  const decider = value as Partial<AnyDecider> | null;
  if (
    typeof decider === 'object' &&
    decider !== null &&
    typeof decider.initialState === 'function' &&
    typeof decider.evolve === 'object' &&
    decider.evolve !== null
  ) {
    const { evolve, initialState } = decider as AnyDecider;
    const name = decider.name ?? 'decider';
    return {
      kind: 'decider',
      name,
      fold: (_aggregateId, events) =>
        events.reduce((state, event) => {
          const evolver = Object.hasOwn(evolve, event.eventType)
            ? (evolve as Record<string, unknown>)[event.eventType]
            : undefined;
          if (typeof evolver !== 'function') throw new UnknownEventTypeError(name, event);
          return evolver(state, event.eventData, event);
        }, initialState()),
    };
  }
  throw new UsageError(
    `${option}: expected an aggregate class (extends AggregateRoot) or a decider ({ initialState, evolve, decide })`,
  );
}

/** An aggregate's state: its snapshot state when it has one, else its own data fields. */
function aggregateState(aggregate: EventSourcedAggregate): unknown {
  try {
    return aggregate.toSnapshot().state;
  } catch {
    // Without snapshotState() the aggregate cannot say; its own fields are what a debugger shows.
    return Object.fromEntries(
      Object.entries(aggregate).filter(
        ([key, value]) => !AGGREGATE_INTERNALS.has(key) && typeof value !== 'function',
      ),
    );
  }
}

/** A stream's state at `version` (its whole history when omitted), read upcast through the store. */
export async function stateAt(
  store: EventStore,
  model: StateModel,
  stream: { readonly aggregateType: string; readonly aggregateId: string },
  version: number | undefined,
): Promise<{ readonly version: number; readonly state: unknown }> {
  const events: DomainEvent[] = [];
  for await (const event of store.readStream(stream, version === undefined ? {} : { limit: version })) {
    events.push(event);
  }
  return { version: events.length, state: model.fold(stream.aggregateId, events) };
}
