import { InvalidArgumentError } from '../errors';
import { assertNonNegativeInteger, assertPositiveInteger, describe } from '../validation/arguments';
import { assertKnownKeys } from '../validation/subscribe-options';
import type { RelayOptions, RelayTransport } from './relay-contract';

/** {@link RelayOptions} validated, with the relay's own defaults. */
export interface ResolvedRelayOptions {
  readonly window: number;
  readonly batchSize: number;
  readonly checkpointIntervalMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Messages in flight when `window` is not given. */
export const DEFAULT_RELAY_WINDOW = 64;
/** Events per batch when `batchSize` is not given. */
// Publishing goes on across batch boundaries, so the size no longer sets a pause; it sets how much is
// read at once and how often the checkpoint is saved (one save per batch at most).
export const DEFAULT_RELAY_BATCH_SIZE = 1000;
/** The least time between checkpoint saves while catching up, when `checkpointIntervalMs` is not given. */
export const DEFAULT_RELAY_CHECKPOINT_INTERVAL_MS = 0;

const KEYS: ReadonlySet<string> = new Set<keyof RelayOptions>([
  'id',
  'filter',
  'startFrom',
  'batchSize',
  'window',
  'checkpointIntervalMs',
  'retry',
  'leaseTtlMs',
  'signal',
]);
const RETRY_KEYS = new Set(['baseDelayMs', 'maxDelayMs']);

/**
 * Validates what only the relay adds to the processor's options (the processor checks the rest when
 * it starts, before the transport opens).
 *
 * @throws InvalidArgumentError naming the first bad option
 */
export function resolveRelayOptions(transport: unknown, options: unknown): ResolvedRelayOptions {
  const t = transport as Partial<RelayTransport> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.name !== 'string' ||
    typeof t.open !== 'function' ||
    typeof t.publish !== 'function' ||
    typeof t.connected !== 'function' ||
    typeof t.close !== 'function'
  ) {
    throw new InvalidArgumentError('transport', 'must be { name, open, publish, connected, close }');
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', `must be { id, … }, got ${describe(options)}`);
  }
  assertKnownKeys(options, KEYS, 'options');
  const {
    window = DEFAULT_RELAY_WINDOW,
    batchSize = DEFAULT_RELAY_BATCH_SIZE,
    checkpointIntervalMs = DEFAULT_RELAY_CHECKPOINT_INTERVAL_MS,
    retry = {},
  } = options as RelayOptions;
  assertPositiveInteger(window, 'options.window');
  assertPositiveInteger(batchSize, 'options.batchSize');
  assertNonNegativeInteger(checkpointIntervalMs, 'options.checkpointIntervalMs');
  if (typeof retry !== 'object' || retry === null) {
    throw new InvalidArgumentError('options.retry', `must be an object, got ${describe(retry)}`);
  }
  assertKnownKeys(retry, RETRY_KEYS, 'options.retry');
  const { baseDelayMs = 100, maxDelayMs = 5_000 } = retry;
  assertNonNegativeInteger(baseDelayMs, 'options.retry.baseDelayMs');
  assertNonNegativeInteger(maxDelayMs, 'options.retry.maxDelayMs');
  return { window, batchSize, checkpointIntervalMs, baseDelayMs, maxDelayMs };
}

/**
 * Splits a broker relay's options into the relay's own ({@link RelayOptions}) and the rest (the
 * transport's), so a broker package's `create…Relay(store, options)` takes one flat object.
 *
 * @example
 * ```ts
 * const { relay, transport } = splitRelayOptions(options);
 * return startRelay(store, createMyTransport(transport), relay);
 * ```
 */
export function splitRelayOptions<T extends object>(
  options: T & RelayOptions,
): { relay: RelayOptions; transport: Omit<T, keyof RelayOptions> } {
  const relay: Record<string, unknown> = {};
  const transport: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) (KEYS.has(key) ? relay : transport)[key] = value;
  return { relay: relay as unknown as RelayOptions, transport: transport as Omit<T, keyof RelayOptions> };
}
