import type { AggregateEvent, AppliedEventOf } from '../aggregate/aggregate-event';
import type { ReadWriteEventStore, Snapshot, StreamRef } from '../contract/types';
import { InvalidArgumentError } from '../errors';
import {
  appendStamped,
  loadStreamState,
  type SaveOptions,
  type SnapshotErrorHandler,
  type StateRebuilder,
  snapshotIfDue,
  stampEvent,
  warnSnapshotError,
} from '../persistence/stream-persistence';
import { type RetryOptions, withRetry } from '../retry/with-retry';
import { neverSnapshot, type SnapshotStrategy } from '../snapshot/snapshot-strategy';
import { assertStreamRef } from '../validation/arguments';
import { assertJsonValue } from '../validation/json';
import { assertDecider, type Decider } from './decider';
import { decideEvents, evolveState, toAppliedEvents } from './decision';

/**
 * Options of {@link handleCommand}: the request's metadata (stamped on every event, as
 * `Repository.save` does), the retry policy and the snapshot strategy.
 */
export interface HandleCommandOptions extends SaveOptions {
  /**
   * On a conflict (another writer appended since the load), reload, decide again and retry, with
   * {@link withRetry}'s policy. Default: `withRetry`'s defaults (3 attempts). `false`: one attempt,
   * the `ConcurrencyError` is thrown.
   */
  readonly retry?: RetryOptions | false;
  /** When to snapshot after an append. Default: never. */
  readonly snapshotStrategy?: SnapshotStrategy;
  /** Told when a snapshot could not be taken or restored; never fails the command. Default: `console.warn`. */
  readonly onSnapshotError?: SnapshotErrorHandler;
  /** The clock for `occurredAt`, snapshot times and `maxSnapshotAge`. Default: `() => new Date()`. */
  readonly clock?: () => Date;
}

/** What {@link handleCommand} reports. */
export interface CommandResult<S, E extends AggregateEvent> {
  /** The events appended, as stored (ids, versions, schema versions, metadata); empty when none. */
  readonly newEvents: readonly AppliedEventOf<E>[];
  /** The stream version after the command: the version the state reflects. */
  readonly nextExpectedVersion: number;
  /** The state after the new events. */
  readonly state: S;
  /** Global position of the first appended event; `undefined` when nothing was appended. */
  readonly firstPosition: bigint | undefined;
  /** Global position of the last appended event; `undefined` when nothing was appended. */
  readonly lastPosition: bigint | undefined;
  /** Whether a snapshot was written after the append. */
  readonly snapshotSaved: boolean;
  /** How many load-decide-append attempts it took (1 without a conflict). */
  readonly attempts: number;
}

/**
 * Runs one command against a stream, the functional counterpart of `get` → method → `save`:
 *
 * 1. loads the state from the newest usable snapshot plus the events after it (the very loader
 *    `Repository` uses; an event type `evolve` does not know throws `UnknownEventTypeError`);
 * 2. calls `decide(command, state)`: what it throws (your domain errors) passes through and nothing
 *    is written; a result that is not an array of events throws `InvalidDecisionError`;
 * 3. evolves the new events (so a decided event `evolve` cannot apply is refused before anything is
 *    written) and appends them, expecting the version it loaded, with the request's metadata;
 * 4. on a `ConcurrencyError`, starts again from 1 under the `retry` policy;
 * 5. asks the snapshot strategy (the state is the snapshot).
 *
 * @throws InvalidArgumentError when `stream` is not a stream ref, `decider` is malformed, or an
 *   option is (nothing read or written)
 * @throws ConcurrencyError when every attempt conflicted
 *
 * @example
 * ```ts
 * const { newEvents, state } = await handleCommand(
 *   store,
 *   { aggregateType: 'BankAccount', aggregateId: 'acc-1' },
 *   account,
 *   { type: 'Deposit', amount: 50 },
 *   { userId: 'u-7', correlationId: requestId },
 * );
 * ```
 */
export async function handleCommand<S, C, E extends AggregateEvent>(
  store: ReadWriteEventStore,
  stream: StreamRef,
  decider: Decider<S, C, E>,
  command: C,
  options: HandleCommandOptions = {},
): Promise<CommandResult<S, E>> {
  if (typeof store?.append !== 'function' || typeof store.getEvents !== 'function') {
    throw new InvalidArgumentError('store', 'must be an EventStore');
  }
  assertStreamRef(stream, 'stream');
  assertDecider(decider as unknown);
  const { retry, ...once } = options ?? {};
  if (retry !== undefined && retry !== false && (typeof retry !== 'object' || retry === null)) {
    throw new InvalidArgumentError('options.retry', "must be withRetry's options, or false for one attempt");
  }
  for (const key of ['snapshotStrategy', 'onSnapshotError', 'clock'] as const) {
    if (once[key] !== undefined && typeof once[key] !== 'function') {
      throw new InvalidArgumentError(`options.${key}`, 'must be a function');
    }
  }
  const target: StreamRef = { aggregateType: stream.aggregateType, aggregateId: stream.aggregateId };
  if (retry === false) return runOnce(store, target, decider, command, once, 1);
  return withRetry(({ attempt }) => runOnce(store, target, decider, command, once, attempt), retry);
}

/**
 * {@link handleCommand} with the decider (and default options) bound: what an application wires
 * once per kind of stream. Per-call options win over the defaults.
 *
 * @throws InvalidArgumentError when `decider` is malformed
 *
 * @example
 * ```ts
 * const handleAccount = commandHandler(account, { snapshotStrategy: everyNEvents(100) });
 * await handleAccount(store, { aggregateType: 'BankAccount', aggregateId: 'acc-1' }, { type: 'Deposit', amount: 5 });
 * ```
 */
export function commandHandler<S, C, E extends AggregateEvent>(
  decider: Decider<S, C, E>,
  defaults: HandleCommandOptions = {},
): (
  store: ReadWriteEventStore,
  stream: StreamRef,
  command: C,
  options?: HandleCommandOptions,
) => Promise<CommandResult<S, E>> {
  assertDecider(decider as unknown);
  return (store, stream, command, options = {}) =>
    handleCommand(store, stream, decider, command, { ...defaults, ...options });
}

async function runOnce<S, C, E extends AggregateEvent>(
  store: ReadWriteEventStore,
  stream: StreamRef,
  decider: Decider<S, C, E>,
  command: C,
  options: Omit<HandleCommandOptions, 'retry'>,
  attempt: number,
): Promise<CommandResult<S, E>> {
  const clock = options.clock ?? (() => new Date());
  const onSnapshotError = options.onSnapshotError ?? warnSnapshotError;
  const snapshotSchemaVersion = decider.snapshotSchemaVersion ?? 1;
  const rebuilder: StateRebuilder<S> = {
    snapshotSchemaVersion,
    initial: decider.initialState,
    // A copy: evolvers that mutate must not reach into what the store may hand out again.
    restore: (snapshot) => structuredClone(snapshot.state) as S,
    apply: (state, events) => evolveState(decider, state, events, stream.aggregateType),
  };
  const loaded = await loadStreamState(store, stream, rebuilder, onSnapshotError);
  const version = loaded?.version ?? 0;
  const current = loaded?.state ?? decider.initialState();

  const decided = decideEvents(decider, command, current);
  const newEvents = toAppliedEvents(decider, decided, version, clock());
  const state = evolveState(decider, current, newEvents, stream.aggregateType);
  if (newEvents.length === 0) {
    return {
      newEvents,
      nextExpectedVersion: version,
      state,
      firstPosition: undefined,
      lastPosition: undefined,
      snapshotSaved: false,
      attempts: attempt,
    };
  }

  const result = await appendStamped(store, stream, version, newEvents, options);
  const take = (now: Date): Snapshot => {
    assertJsonValue(state, 'state');
    return {
      aggregateType: stream.aggregateType,
      aggregateId: stream.aggregateId,
      version: result.nextExpectedVersion,
      schemaVersion: snapshotSchemaVersion,
      state: structuredClone(state),
      createdAt: now,
    };
  };
  const mark = await snapshotIfDue(store, {
    stream,
    version: result.nextExpectedVersion,
    eventsAppended: newEvents.length,
    lastSnapshot: loaded?.lastSnapshot ?? null,
    strategy: options.snapshotStrategy ?? neverSnapshot(),
    clock,
    onSnapshotError,
    take,
  });
  return {
    newEvents: newEvents.map(
      (event) => ({ ...stampEvent(event, options), version: event.version }) as AppliedEventOf<E>,
    ),
    nextExpectedVersion: result.nextExpectedVersion,
    state,
    firstPosition: result.firstPosition,
    lastPosition: result.lastPosition,
    snapshotSaved: mark !== null,
    attempts: attempt,
  };
}
