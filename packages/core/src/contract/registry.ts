import type { PreparedEvent } from '../validation/arguments';
import type { StreamRef } from './types';

/**
 * One registered event type: the lesson's `event_types` row. Adapters that persist keep these in
 * their `event_types` table.
 */
export interface EventTypeDefinition {
  /** The event type, e.g. `'MoneyDeposited'`. */
  readonly eventType: string;
  /** The aggregate type that raises it, e.g. `'BankAccount'`. */
  readonly aggregateType: string;
  /** The shape version this schema describes. */
  readonly schemaVersion: number;
  /** A JSON Schema (draft 2020-12 or 07) for `eventData`. */
  readonly schema: Record<string, unknown>;
  /** What the event means, for humans. */
  readonly description?: string;
}

/**
 * What a store asks of an event-type registry: the definitions to persist, and a check of every
 * event of an append before anything is written.
 */
export interface EventTypeRegistry {
  /** Every registered definition. */
  definitions(): readonly EventTypeDefinition[];
  /**
   * Throws `EventValidationError` listing every violation in the batch.
   *
   * @param stream - the stream appended to (an event type may be bound to one aggregate type)
   * @param events - the validated, defaulted events about to be written
   */
  validate(stream: StreamRef, events: readonly PreparedEvent[]): void;
}
