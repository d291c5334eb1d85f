import { EventStoreError, hasCode } from '../errors';

/**
 * An aggregate was asked to apply an event type it has no handler for: a stored event of a type the
 * code no longer (or not yet) knows, an upcaster that renamed a type to one the aggregate does not
 * handle, or an event from another stream. Replaying past it would silently build wrong state, so the
 * load stops here.
 *
 * Its `code` is `'UNKNOWN_EVENT_TYPE'`; match it with {@link isUnknownEventTypeError}.
 */
export class UnknownEventTypeError extends EventStoreError {
  /** The aggregate type that had no handler. */
  readonly aggregateType: string;
  /** The event type it did not know. */
  readonly eventType: string;
  /** The event's id. */
  readonly eventId: string;
  /** The event's stream version. */
  readonly version: number;

  /**
   * @param remedy - what to do about it; a decider says "add it to the decider\u2019s evolve".
   */
  constructor(
    aggregateType: string,
    event: { readonly eventType: string; readonly eventId: string; readonly version: number },
    remedy = 'add it to the aggregate\u2019s handlers or configure an upcaster',
  ) {
    super(
      'UNKNOWN_EVENT_TYPE',
      `${aggregateType} has no handler for event type '${event.eventType}' (event ${event.eventId}, version ${event.version}); ${remedy}`,
    );
    this.aggregateType = aggregateType;
    this.eventType = event.eventType;
    this.eventId = event.eventId;
    this.version = event.version;
  }
}

/** True when `error` is an {@link UnknownEventTypeError}, matched by `code` so it works across two installed copies. */
export const isUnknownEventTypeError = (error: unknown): error is UnknownEventTypeError =>
  hasCode(error, 'UNKNOWN_EVENT_TYPE');
