import type { SubscribableEventStore } from '../contract/consuming';
import { InvalidArgumentError } from '../errors';
import {
  assertIdentifier,
  assertNonNegativeInteger,
  assertPositiveInteger,
  describe,
} from '../validation/arguments';
import {
  assertKnownKeys,
  assertSignal,
  resolveEventFilter,
  resolveStartPosition,
} from '../validation/subscribe-options';
import type { ProcessorOptions } from './processor-contract';

/** {@link ProcessorOptions} validated, with every default. */
export interface ResolvedProcessorOptions {
  readonly id: string;
  readonly handle: ProcessorOptions['handle'];
  readonly filter: NonNullable<ProcessorOptions['filter']>;
  readonly startFrom: bigint | 'end';
  readonly batchSize: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly onFailure: 'stop' | 'park';
  readonly leaseTtlMs: number;
  readonly signal: AbortSignal | undefined;
}

/** The lease time-to-live when none is given, in ms. */
export const DEFAULT_LEASE_TTL_MS = 15_000;

const KEYS = new Set([
  'id',
  'handle',
  'filter',
  'startFrom',
  'batchSize',
  'retry',
  'onFailure',
  'leaseTtlMs',
  'signal',
]);
const RETRY_KEYS = new Set(['maxAttempts', 'baseDelayMs', 'maxDelayMs']);

/**
 * Validates the store and the options of `startProcessor`, before anything starts.
 *
 * @throws InvalidArgumentError naming the first bad option
 */
export function resolveProcessorOptions(store: unknown, options: unknown): ResolvedProcessorOptions {
  const s = store as Partial<SubscribableEventStore> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.subscribe !== 'function' ||
    typeof s.checkpoints !== 'object'
  ) {
    throw new InvalidArgumentError('store', 'must be a store with subscribe() and checkpoints');
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', `must be { id, handle, … }, got ${describe(options)}`);
  }
  assertKnownKeys(options, KEYS, 'options');
  const o = options as ProcessorOptions;
  assertIdentifier(o.id, 'options.id');
  if (typeof o.handle !== 'function') {
    throw new InvalidArgumentError('options.handle', `must be a function, got ${describe(o.handle)}`);
  }
  const filter = resolveEventFilter(o.filter, 'options.filter');
  const startFrom = resolveStartPosition(o.startFrom, 'options.startFrom');
  const { batchSize = 100, onFailure = 'stop', leaseTtlMs = DEFAULT_LEASE_TTL_MS, retry = {} } = o;
  assertPositiveInteger(batchSize, 'options.batchSize');
  if (onFailure !== 'stop' && onFailure !== 'park') {
    throw new InvalidArgumentError(
      'options.onFailure',
      `must be 'stop' or 'park', got ${describe(onFailure)}`,
    );
  }
  assertPositiveInteger(leaseTtlMs, 'options.leaseTtlMs');
  if (typeof retry !== 'object' || retry === null) {
    throw new InvalidArgumentError('options.retry', `must be an object, got ${describe(retry)}`);
  }
  assertKnownKeys(retry, RETRY_KEYS, 'options.retry');
  const { maxAttempts = 3, baseDelayMs = 100, maxDelayMs = 5_000 } = retry;
  assertPositiveInteger(maxAttempts, 'options.retry.maxAttempts');
  assertNonNegativeInteger(baseDelayMs, 'options.retry.baseDelayMs');
  assertNonNegativeInteger(maxDelayMs, 'options.retry.maxDelayMs');
  assertSignal(o.signal, 'options.signal');
  return {
    id: o.id,
    handle: o.handle,
    filter,
    startFrom,
    batchSize,
    maxAttempts,
    baseDelayMs,
    maxDelayMs,
    onFailure,
    leaseTtlMs,
    signal: o.signal,
  };
}
