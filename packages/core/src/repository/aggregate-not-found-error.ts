import { EventStoreError, hasCode } from '../errors';

/**
 * `Repository.get` found no events for the aggregate. (`Repository.load` returns `null` instead.)
 *
 * Its `code` is `'AGGREGATE_NOT_FOUND'`; match it with {@link isAggregateNotFoundError}.
 */
export class AggregateNotFoundError extends EventStoreError {
  /** The aggregate type looked up. */
  readonly aggregateType: string;
  /** The aggregate id looked up. */
  readonly aggregateId: string;

  constructor(aggregateType: string, aggregateId: string) {
    super('AGGREGATE_NOT_FOUND', `${aggregateType}/${aggregateId} does not exist (its stream has no events)`);
    this.aggregateType = aggregateType;
    this.aggregateId = aggregateId;
  }
}

/** True when `error` is an {@link AggregateNotFoundError}, matched by `code` so it works across two installed copies. */
export const isAggregateNotFoundError = (error: unknown): error is AggregateNotFoundError =>
  hasCode(error, 'AGGREGATE_NOT_FOUND');
