/**
 * Running a decider's two functions safely: `decide` with its result checked, `evolve` with an
 * unknown event type refused. The command handler and the specifications both go through here, so a
 * specification fails exactly where production would.
 */
import type { AggregateEvent, AppliedEvent, AppliedEventOf } from '../aggregate/aggregate-event';
import { UnknownEventTypeError } from '../aggregate/unknown-event-type-error';
import { newEventId } from '../append/event-id';
import { assertJsonValue } from '../validation/json';
import { type Decider, deciderName } from './decider';
import { InvalidDecisionError } from './invalid-decision-error';

type AnyEvolver = (state: unknown, data: unknown, event: AppliedEvent) => unknown;

/** The command's `type`, when it has a string one: for messages. */
function commandType(command: unknown): string | undefined {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const type = (value as { eventType?: unknown }).eventType;
    return typeof type === 'string' ? `a single event (${type}) instead of an array` : 'an object';
  }
  return typeof value === 'string' ? `the string '${value}'` : String(value);
}

/**
 * Calls `decide` and checks that it returned an array of `{ eventType, eventData }` with JSON data.
 * What `decide` throws (the domain's own errors) passes through untouched.
 *
 * @throws InvalidDecisionError when the result is not an array of events
 * @throws InvalidArgumentError when an event's data is not JSON
 */
export function decideEvents<S, C, E extends AggregateEvent>(
  decider: Decider<S, C, E>,
  command: C,
  state: S,
): readonly E[] {
  const decided: unknown = decider.decide(command, state);
  const fail = (index: number | undefined, problem: string): never => {
    throw new InvalidDecisionError(deciderName(decider), commandType(command), index, problem);
  };
  if (!Array.isArray(decided)) {
    fail(undefined, `${describe(decided)}; decide must return an array of events ([] when nothing happens)`);
  }
  (decided as unknown[]).forEach((event, index) => {
    const type = (event as { eventType?: unknown } | null)?.eventType;
    if (typeof event !== 'object' || event === null || typeof type !== 'string' || type.trim() === '') {
      fail(index, `${describe(event)}, not an event { eventType, eventData }`);
    }
    assertJsonValue((event as AggregateEvent).eventData, `${type as string}.eventData`);
  });
  return decided as readonly E[];
}

/**
 * Folds events into a state through the decider's evolvers.
 *
 * @param label - names the stream in errors, e.g. its aggregate type
 * @throws UnknownEventTypeError when `evolve` has no function for an event's type
 */
export function evolveState<S, C, E extends AggregateEvent>(
  decider: Decider<S, C, E>,
  state: S,
  events: Iterable<AppliedEvent>,
  label: string = deciderName(decider),
): S {
  const evolvers = decider.evolve as unknown as Record<string, AnyEvolver | undefined>;
  let next = state;
  for (const event of events) {
    // Own properties only: 'toString' or 'constructor' must not pass for an evolver.
    const evolver = Object.hasOwn(evolvers, event.eventType) ? evolvers[event.eventType] : undefined;
    if (typeof evolver !== 'function') {
      throw new UnknownEventTypeError(
        label,
        event,
        'add it to the decider\u2019s evolve or configure an upcaster',
      );
    }
    next = evolver(next, event.eventData, event) as S;
  }
  return next;
}

/**
 * The decided events as they will be stored: a fresh id, the next versions after `version`, the
 * schema version the decider stamps for the type, and `occurredAt`. The data is copied, so a state
 * that keeps a reference to it cannot alter what is stored.
 */
export function toAppliedEvents<S, C, E extends AggregateEvent>(
  decider: Decider<S, C, E>,
  decided: readonly E[],
  version: number,
  occurredAt: Date,
): AppliedEventOf<E>[] {
  const versions = (decider.eventSchemaVersions ?? {}) as Partial<Record<string, number>>;
  return decided.map(
    (event, i) =>
      ({
        eventId: newEventId(),
        eventType: event.eventType,
        eventData: structuredClone(event.eventData),
        schemaVersion: versions[event.eventType] ?? 1,
        version: version + i + 1,
        occurredAt,
      }) as AppliedEventOf<E>,
  );
}
