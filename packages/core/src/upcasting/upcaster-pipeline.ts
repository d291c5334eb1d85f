import type { DomainEvent } from '../contract/types';
import { InvalidArgumentError, UpcastError } from '../errors';
import { assertIdentifier, assertPositiveInteger } from '../validation/arguments';
import type { Upcaster } from './upcaster';

const stepKey = (eventType: string, schemaVersion: number): string => `${schemaVersion}\u0000${eventType}`;

/**
 * Chains {@link Upcaster} steps per event type up to the latest version. Built once; rejects a
 * duplicate step (two steps from the same type and version) and a cycle (steps that would lead back
 * to where they started) at construction, so reads can never loop.
 */
export class UpcasterPipeline {
  private readonly steps = new Map<string, Required<Upcaster>>();

  /** @throws InvalidArgumentError on a malformed, duplicate or cyclic step */
  constructor(upcasters: readonly Upcaster[]) {
    upcasters.forEach((upcaster, i) => {
      const step = normalise(upcaster, `upcasters[${i}]`);
      const key = stepKey(step.eventType, step.fromSchemaVersion);
      if (this.steps.has(key)) {
        throw new InvalidArgumentError(
          `upcasters[${i}]`,
          `duplicates the step from ${step.eventType} v${step.fromSchemaVersion}`,
        );
      }
      this.steps.set(key, step);
    });
    this.rejectCycles();
  }

  /** Whether any step is registered. */
  get isEmpty(): boolean {
    return this.steps.size === 0;
  }

  /**
   * Returns `event` carried through every applicable step (the same object when none applies).
   *
   * @throws UpcastError naming the event when a step throws
   */
  upcast<E extends DomainEvent>(event: E): E {
    let current: DomainEvent = event;
    for (;;) {
      const step = this.steps.get(stepKey(current.eventType, current.schemaVersion));
      if (step === undefined) return current as E;
      let eventData: unknown;
      try {
        eventData = step.upcast(current);
      } catch (cause) {
        throw new UpcastError(event.eventId, current.eventType, current.schemaVersion, cause);
      }
      current = { ...current, eventType: step.toEventType, schemaVersion: step.toSchemaVersion, eventData };
    }
  }

  private rejectCycles(): void {
    for (const start of this.steps.values()) {
      const visited = new Set<string>();
      let step: Required<Upcaster> | undefined = start;
      while (step !== undefined) {
        const key = stepKey(step.eventType, step.fromSchemaVersion);
        if (visited.has(key)) {
          throw new InvalidArgumentError(
            'upcasters',
            `form a cycle through ${step.eventType} v${step.fromSchemaVersion}`,
          );
        }
        visited.add(key);
        step = this.steps.get(stepKey(step.toEventType, step.toSchemaVersion));
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
