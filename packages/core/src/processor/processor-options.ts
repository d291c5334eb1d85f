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
import type {
  BatchProcessorOptions,
  EventProcessorOptions,
  ProcessorCommonOptions,
} from './processor-contract';

/** The options as given, before we know which kind of processor they describe. */
type UncheckedOptions = ProcessorCommonOptions & {
  readonly handle?: unknown;
  readonly handleBatch?: unknown;
  readonly onFailure?: unknown;
  readonly checkpoint?: unknown;
  readonly settle?: unknown;
};

/** {@link ProcessorOptions} validated, with every default. */
export interface ResolvedProcessorOptions {
  readonly id: string;
  /** Exactly one of `handle` and `handleBatch` is set. */
  readonly handle: EventProcessorOptions['handle'] | undefined;
  readonly handleBatch: BatchProcessorOptions['handleBatch'] | undefined;
  /** Who saves the checkpoint after a batch (`'handler'` only with `handleBatch`). */
  readonly checkpointBy: 'processor' | 'handler' | 'completion';
  /** With `checkpointBy: 'completion'`: waits for the handler's outstanding work at the end of a turn. */
  readonly settle: (() => Promise<void>) | undefined;
  readonly filter: NonNullable<ProcessorCommonOptions['filter']>;
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
  'handleBatch',
  'checkpoint',
  'settle',
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
    throw new InvalidArgumentError(
      'options',
      `must be { id, handle | handleBatch, … }, got ${describe(options)}`,
    );
  }
  assertKnownKeys(options, KEYS, 'options');
  const o = options as UncheckedOptions;
  assertIdentifier(o.id, 'options.id');
  if ((o.handle === undefined) === (o.handleBatch === undefined)) {
    throw new InvalidArgumentError('options', 'must have exactly one of handle and handleBatch');
  }
  const handlerKey = o.handle === undefined ? 'handleBatch' : 'handle';
  if (typeof o[handlerKey] !== 'function') {
    throw new InvalidArgumentError(
      `options.${handlerKey}`,
      `must be a function, got ${describe(o[handlerKey])}`,
    );
  }
  const { checkpoint = 'by-processor' } = o;
  if (
    checkpoint !== 'by-processor' &&
    !((checkpoint === 'by-handler' || checkpoint === 'as-completed') && o.handleBatch !== undefined)
  ) {
    throw new InvalidArgumentError(
      'options.checkpoint',
      `must be 'by-processor' or (with handleBatch) 'by-handler' or 'as-completed', got ${describe(checkpoint)}`,
    );
  }
  if (o.settle !== undefined && (checkpoint !== 'as-completed' || typeof o.settle !== 'function')) {
    throw new InvalidArgumentError(
      'options.settle',
      `must be a function, and only with checkpoint 'as-completed', got ${describe(o.settle)}`,
    );
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
  if (onFailure === 'park' && o.handleBatch !== undefined) {
    // A batch has no single event to park, and skipping a whole batch would hide every event in it.
    throw new InvalidArgumentError('options.onFailure', "cannot be 'park' with handleBatch");
  }
  assertPositiveInteger(leaseTtlMs, 'options.leaseTtlMs');
  if (typeof retry !== 'object' || retry === null) {
    throw new InvalidArgumentError('options.retry', `must be an object, got ${describe(retry)}`);
  }
  assertKnownKeys(retry, RETRY_KEYS, 'options.retry');
  const { maxAttempts = 3, baseDelayMs = 100, maxDelayMs = 5_000 } = retry;
  if (maxAttempts !== Number.POSITIVE_INFINITY)
    assertPositiveInteger(maxAttempts, 'options.retry.maxAttempts');
  assertNonNegativeInteger(baseDelayMs, 'options.retry.baseDelayMs');
  assertNonNegativeInteger(maxDelayMs, 'options.retry.maxDelayMs');
  assertSignal(o.signal, 'options.signal');
  return {
    id: o.id,
    handle: o.handle as EventProcessorOptions['handle'] | undefined,
    handleBatch: o.handleBatch as BatchProcessorOptions['handleBatch'] | undefined,
    checkpointBy:
      checkpoint === 'by-handler' ? 'handler' : checkpoint === 'as-completed' ? 'completion' : 'processor',
    settle: o.settle as (() => Promise<void>) | undefined,
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
