import type { EventTypeRegistry } from './contract/registry';
import type { DomainEvent, NewEvent, StreamRef } from './contract/types';
import { createInlineProjections } from './projection/inline-projections';
import type { AnyProjectionDefinition } from './projection/projection-contract';
import type { InlineProjections } from './projection/projection-storage';
import type { Upcaster } from './upcasting/upcaster';
import { UpcasterPipeline } from './upcasting/upcaster-pipeline';
import { type PreparedEvent, prepareAppend } from './validation/arguments';

/** Options every adapter factory accepts, on top of its own. */
export interface EventStoreOptions {
  /**
   * Upcasters applied on **every** read path (`getEvents`, `readStream`, `getEventsByType`,
   * `getAllEvents`, `readAll`). Stored events are never rewritten.
   */
  readonly upcasters?: readonly Upcaster[] | UpcasterPipeline;
  /** When set, every append is validated against it; a violation writes nothing. */
  readonly registry?: EventTypeRegistry;
  /** The clock that stamps `occurredAt` when an event has none. Default: `() => new Date()`. */
  readonly clock?: () => Date;
  /**
   * Projections run inside every append's transaction (see `docs/projections.md`): the append and
   * their documents commit together, and a throwing handler rolls the append back with a
   * `ProjectionError`. Only stores with the `projections` capability accept them. Default: none.
   */
  readonly inlineProjections?: readonly AnyProjectionDefinition[];
  /**
   * Write the active OpenTelemetry trace context into each appended event's metadata (`traceparent`,
   * `tracestate`), so that processors and relays handling the event link their spans to the append's
   * (see `docs/observability.md`). Needs `@opentelemetry/api` and a registered propagator (the Node
   * SDK registers W3C Trace Context); without an active span nothing is written. An event that
   * already carries `traceparent` keeps it. Default: `false`.
   */
  readonly propagateTraceContext?: boolean;
}

/**
 * What an adapter does with {@link EventStoreOptions}: the single place where append input is
 * validated and read output is upcast, so every adapter behaves the same.
 */
export interface EventPipeline {
  /** Validates an append's arguments, fills in defaults and runs the registry. Throws before any write. */
  prepare(stream: StreamRef, expectedVersion: unknown, events: readonly NewEvent[]): PreparedEvent[];
  /** Brings a stored event to its latest shape. The identity function when no upcaster is configured. */
  upcast(event: DomainEvent): DomainEvent;
  /**
   * How to filter by event type when upcasters may rename types: query `storedTypes` (the requested
   * types plus every stored name that upcasts to one of them), then keep only the upcast events for
   * which `matches(event)` holds. Without renames, `storedTypes` is the request and `matches` is
   * always true.
   */
  eventTypeFilter(eventTypes: readonly string[]): EventTypeFilter;
  /** The registry, if one is configured (persisting adapters store its definitions). */
  readonly registry: EventTypeRegistry | undefined;
  /** The inline projections: an adapter's append runs them as {@link InlineProjections} describes. */
  readonly inline: InlineProjections;
}

/** See {@link EventPipeline.eventTypeFilter}. */
export interface EventTypeFilter {
  /** The stored type names to query. */
  readonly storedTypes: readonly string[];
  /** Whether an upcast event belongs to the requested types. */
  matches(event: DomainEvent): boolean;
}

const matchesAll = (): boolean => true;

/**
 * Resolves {@link EventStoreOptions} into an {@link EventPipeline}. Adapters call this once when created.
 *
 * @throws InvalidArgumentError when the upcasters are malformed, duplicated or cyclic
 */
export function createEventPipeline(options: EventStoreOptions = {}): EventPipeline {
  const { upcasters, registry, clock } = options;
  const pipeline = upcasters instanceof UpcasterPipeline ? upcasters : new UpcasterPipeline(upcasters ?? []);
  const upcast = pipeline.isEmpty
    ? (event: DomainEvent) => event
    : (event: DomainEvent) => pipeline.upcast(event);
  const renames = pipeline.renamesTypes;
  const inline = createInlineProjections(options.inlineProjections);
  return {
    registry,
    inline,
    upcast,
    eventTypeFilter(eventTypes) {
      if (!renames) return { storedTypes: eventTypes, matches: matchesAll };
      const requested = new Set(eventTypes);
      return {
        storedTypes: [...new Set(eventTypes.flatMap((type) => pipeline.storedEventTypesOf(type)))],
        matches: (event) => requested.has(event.eventType),
      };
    },
    prepare(stream, expectedVersion, events) {
      const prepared = prepareAppend(stream, expectedVersion, events, clock);
      if (registry !== undefined && prepared.length > 0) registry.validate(stream, prepared);
      return prepared;
    },
  };
}
