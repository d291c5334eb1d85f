import type { EventFilter, SubscribeOptions } from '../contract/consuming';
import { InvalidArgumentError } from '../errors';
import { assertIdentifierList, assertPosition, assertPositiveInteger, describe } from './arguments';

/** The batch size a subscription uses when none is given. */
export const DEFAULT_SUBSCRIBE_BATCH_SIZE = 100;

/** {@link SubscribeOptions} validated, defaults filled in. */
export interface ResolvedSubscribeOptions {
  readonly from: bigint | 'end';
  readonly filter: EventFilter;
  readonly batchSize: number;
  readonly live: boolean;
  readonly signal: AbortSignal | undefined;
}

const OPTION_KEYS = new Set(['from', 'filter', 'batchSize', 'live', 'signal']);
const FILTER_KEYS = new Set(['eventTypes', 'aggregateTypes']);

/** Throws {@link InvalidArgumentError} on an unknown key: a misspelt filter would otherwise match everything. */
export function assertKnownKeys(value: object, known: ReadonlySet<string>, argument: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new InvalidArgumentError(
        `${argument}.${key}`,
        `is not an option (known: ${[...known].join(', ')})`,
      );
    }
  }
}

/** Validates an {@link EventFilter}; `argument` names it in errors. */
export function resolveEventFilter(filter: unknown, argument: string): EventFilter {
  if (filter === undefined) return {};
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new InvalidArgumentError(
      argument,
      `must be { eventTypes?, aggregateTypes? }, got ${describe(filter)}`,
    );
  }
  assertKnownKeys(filter, FILTER_KEYS, argument);
  const { eventTypes, aggregateTypes } = filter as EventFilter;
  assertIdentifierList(eventTypes, `${argument}.eventTypes`);
  assertIdentifierList(aggregateTypes, `${argument}.aggregateTypes`);
  return {
    ...(eventTypes !== undefined && { eventTypes: [...eventTypes] }),
    ...(aggregateTypes !== undefined && { aggregateTypes: [...aggregateTypes] }),
  };
}

/** Validates a start position: `'start'`, `'end'` or a non-negative bigint. `'start'` resolves to `0n`. */
export function resolveStartPosition(from: unknown, argument: string): bigint | 'end' {
  if (from === undefined || from === 'start') return 0n;
  if (from === 'end') return 'end';
  if (typeof from === 'string') {
    throw new InvalidArgumentError(
      argument,
      `must be a bigint position, 'start' or 'end', got ${describe(from)}`,
    );
  }
  assertPosition(from, argument);
  return from;
}

/** Throws {@link InvalidArgumentError} unless `signal` is undefined or an `AbortSignal`. */
export function assertSignal(signal: unknown, argument: string): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(argument, `must be an AbortSignal, got ${describe(signal)}`);
  }
}

/**
 * Validates `subscribe` options and resolves their defaults, before anything is read.
 *
 * @throws InvalidArgumentError on a negative or non-bigint `from`, a batch size that is not a
 *   positive integer, an unknown option or filter key, a malformed type list or signal
 */
export function resolveSubscribeOptions(options: unknown): ResolvedSubscribeOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', `must be an object, got ${describe(options)}`);
  }
  assertKnownKeys(options, OPTION_KEYS, 'options');
  const {
    from,
    filter,
    batchSize = DEFAULT_SUBSCRIBE_BATCH_SIZE,
    live = true,
    signal,
  } = options as SubscribeOptions;
  const resolvedFrom = resolveStartPosition(from, 'options.from');
  const resolvedFilter = resolveEventFilter(filter, 'options.filter');
  assertPositiveInteger(batchSize, 'options.batchSize');
  if (typeof live !== 'boolean')
    throw new InvalidArgumentError('options.live', `must be a boolean, got ${describe(live)}`);
  assertSignal(signal, 'options.signal');
  return { from: resolvedFrom, filter: resolvedFilter, batchSize, live, signal };
}
