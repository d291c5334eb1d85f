import type { DomainEvent } from '../contract/types';
import { InvalidArgumentError, UpcastError } from '../errors';
import { assertIdentifier, assertPositiveInteger } from '../validation/arguments';
import type { Upcaster } from './upcaster';

/**
 * Chains {@link Upcaster} steps per event type up to the latest version. Built once; rejects a
 * duplicate step (two steps from the same type and version) and a cycle (steps that would lead back
 * to where they started) at construction, so reads can never loop. Store factories build one from
 * their `upcasters` option; build it yourself to share it or to upcast outside a store.
 *
 * @example
 * ```ts
 * const pipeline = new UpcasterPipeline([
 *   { eventType: 'MoneyDeposited', fromSchemaVersion: 1, upcast: (e) => ({ ...(e.eventData as object), currency: 'USD' }) },
 *   { eventType: 'FundsWithdrawn', fromSchemaVersion: 1, toEventType: 'MoneyWithdrawn', upcast: (e) => e.eventData },
 * ]);
 * const store = createInMemoryEventStore({ upcasters: pipeline });
 * ```
 */
export class UpcasterPipeline {
  /**
   * Steps by stored type, then by schema version: a read of a type no step reads costs one `Map`
   * look-up, and no key is built per event.
   */
  private readonly steps = new Map<string, Map<number, Required<Upcaster>>>();

  /** @throws InvalidArgumentError on a malformed, duplicate or cyclic step */
  constructor(upcasters: readonly Upcaster[]) {
    if (!Array.isArray(upcasters)) {
      throw new InvalidArgumentError(
        'upcasters',
        'must be an array of { eventType, fromSchemaVersion, upcast }',
      );
    }
    upcasters.forEach((upcaster: Upcaster, i) => {
      const step = normalise(upcaster, `upcasters[${i}]`);
      const ofType = this.steps.get(step.eventType) ?? new Map<number, Required<Upcaster>>();
      this.steps.set(step.eventType, ofType);
      if (ofType.has(step.fromSchemaVersion)) {
        throw new InvalidArgumentError(
          `upcasters[${i}]`,
          `duplicates the step from ${step.eventType} v${step.fromSchemaVersion}`,
        );
      }
      ofType.set(step.fromSchemaVersion, step);
    });
    this.rejectCycles();
  }

  /** Whether any step is registered. */
  get isEmpty(): boolean {
    return this.steps.size === 0;
  }

  /** Whether any step renames a type (then type filters must look at stored names too). */
  get renamesTypes(): boolean {
    for (const step of this.allSteps()) if (step.toEventType !== step.eventType) return true;
    return false;
  }

  /**
   * Returns `event` carried through every applicable step (the same object when none applies).
   *
   * @throws UpcastError naming the event when a step throws
   */
  upcast<E extends DomainEvent>(event: E): E {
    let current: DomainEvent = event;
    for (;;) {
      const step = this.stepFrom(current.eventType, current.schemaVersion);
      if (step === undefined) return current as E;
      let eventData: unknown;
      try {
        eventData = step.upcast(current);
      } catch (cause) {
        throw new UpcastError(event.eventId, current.eventType, current.schemaVersion, cause);
      }
      // Almost always a step written as `(e) => { ...e.eventData }` that forgot its `return`.
      if (eventData === undefined) {
        throw new UpcastError(
          event.eventId,
          current.eventType,
          current.schemaVersion,
          new Error('the step returned undefined'),
        );
      }
      current = { ...current, eventType: step.toEventType, schemaVersion: step.toSchemaVersion, eventData };
    }
  }

  /**
   * The stored event types that may read as `eventType` after upcasting: itself plus each type some
   * chain of steps renames into it (a superset when renames depend on the version). A store that filters by event type in storage (`getEventsByType`,
   * `readAll({ eventTypes })`) must query these names and keep the events whose upcast type matches,
   * or a renamed type's old events go missing.
   *
   * @example `pipeline.storedEventTypesOf('MoneyWithdrawn') // ['MoneyWithdrawn', 'FundsWithdrawn']`
   */
  storedEventTypesOf(eventType: string): string[] {
    const found = [eventType];
    for (let i = 0; i < found.length; i++) {
      for (const step of this.allSteps()) {
        if (step.toEventType === found[i] && !found.includes(step.eventType)) found.push(step.eventType);
      }
    }
    return found;
  }

  private stepFrom(eventType: string, schemaVersion: number): Required<Upcaster> | undefined {
    return this.steps.get(eventType)?.get(schemaVersion);
  }

  private *allSteps(): Iterable<Required<Upcaster>> {
    for (const ofType of this.steps.values()) yield* ofType.values();
  }

  private rejectCycles(): void {
    for (const start of this.allSteps()) {
      const visited = new Set<Required<Upcaster>>();
      let step: Required<Upcaster> | undefined = start;
      while (step !== undefined) {
        if (visited.has(step)) {
          throw new InvalidArgumentError(
            'upcasters',
            `form a cycle through ${step.eventType} v${step.fromSchemaVersion}`,
          );
        }
        visited.add(step);
        step = this.stepFrom(step.toEventType, step.toSchemaVersion);
      }
    }
  }
}

function normalise(upcaster: Upcaster, argument: string): Required<Upcaster> {
  if (typeof upcaster !== 'object' || upcaster === null || typeof upcaster.upcast !== 'function') {
    throw new InvalidArgumentError(argument, 'must be { eventType, fromSchemaVersion, upcast(event) }');
  }
  const toEventType = upcaster.toEventType ?? upcaster.eventType;
  const toSchemaVersion = upcaster.toSchemaVersion ?? upcaster.fromSchemaVersion + 1;
  assertIdentifier(upcaster.eventType, `${argument}.eventType`);
  assertPositiveInteger(upcaster.fromSchemaVersion, `${argument}.fromSchemaVersion`);
  assertIdentifier(toEventType, `${argument}.toEventType`);
  assertPositiveInteger(toSchemaVersion, `${argument}.toSchemaVersion`);
  if (toEventType === upcaster.eventType && toSchemaVersion === upcaster.fromSchemaVersion) {
    throw new InvalidArgumentError(argument, 'leads from a version to itself');
  }
  return {
    eventType: upcaster.eventType,
    fromSchemaVersion: upcaster.fromSchemaVersion,
    toEventType,
    toSchemaVersion,
    upcast: upcaster.upcast.bind(upcaster),
  };
}
