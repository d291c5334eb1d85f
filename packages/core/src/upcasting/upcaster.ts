import type { DomainEvent } from '../contract/types';

/**
 * One step that turns a stored event of `eventType` at `fromSchemaVersion` into the next shape.
 * Steps chain per type until no step applies (V1 → V2 → V3). Stored events are never rewritten:
 * upcasting happens on every read.
 *
 * @example
 * ```ts
 * const orderCreatedV1ToV2: Upcaster<OrderCreatedV1, OrderCreatedV2> = {
 *   eventType: 'OrderCreated',
 *   fromSchemaVersion: 1,
 *   upcast: (event) => ({
 *     ...event.eventData,
 *     items: event.eventData.items.map((item) => ({ ...item, price: 0, currency: 'USD' })),
 *   }),
 * };
 * ```
 */
export interface Upcaster<From = unknown, To = unknown> {
  /** The stored type this step reads. */
  readonly eventType: string;
  /** The schema version this step reads. */
  readonly fromSchemaVersion: number;
  /** The type the result carries. Default: `eventType` (set it to rename the type). */
  readonly toEventType?: string;
  /** The schema version the result carries. Default: `fromSchemaVersion + 1`. */
  readonly toSchemaVersion?: number;
  /** Returns the new `eventData`; the event is passed whole for context (e.g. `occurredAt`). */
  upcast(event: DomainEvent<string, From>): To;
}
