/**
 * The one load/save core under both styles: `Repository` (classes) and `handleCommand` (deciders)
 * call these functions, so snapshot trust rules, metadata stamping and the snapshot strategy are
 * written once. Neither style's specifics live here: the caller says how to build, restore and fold
 * its state (a {@link StateRebuilder}) and how to take a snapshot of it.
 */

import type { Mutable } from '../adapter/mutable';
import type { DomainEvent, NewEvent, ReadWriteEventStore, Snapshot, StreamRef } from '../contract/types';
import { traceLoad } from '../observability/persistence-telemetry';
import type { SnapshotContext, SnapshotStrategy } from '../snapshot/snapshot-strategy';

/** What `onSnapshotError` is told besides the error itself. */
export interface SnapshotErrorInfo {
  /** The stream's aggregate type. */
  readonly aggregateType: string;
  /** The stream's aggregate id. */
  readonly aggregateId: string;
  /**
   * `'save'`: deciding, building or writing a snapshot after a committed save failed (the save still
   * succeeded). `'load'`: a stored snapshot could not be restored (the stream was replayed instead).
   */
  readonly phase: 'save' | 'load';
  /** The version of the snapshot concerned. */
  readonly version: number;
}

/** Told when a snapshot could not be taken or restored; never fails the load or save. */
export type SnapshotErrorHandler = (error: unknown, info: SnapshotErrorInfo) => void;

/**
 * Request-scoped metadata stamped on every appended event. A value the event already carries wins;
 * `metadata` objects are merged, the event's keys winning.
 */
export interface SaveOptions {
  /** Who caused the events. */
  readonly userId?: string;
  /** Ties together every event caused by one request or process. */
  readonly correlationId?: string;
  /** The id of the command or event that caused these events. */
  readonly causationId?: string;
  /** Anything else worth keeping with the events, as a JSON object. */
  readonly metadata?: Record<string, unknown>;
}

/** The last snapshot known for a stream: what the snapshot strategy counts from. */
export interface SnapshotMark {
  /** The stream version the snapshot reflects. */
  readonly version: number;
  /** When it was taken. */
  readonly createdAt: Date;
}

/** How {@link loadStreamState} builds one kind of state; each style supplies its own. */
export interface StateRebuilder<T> {
  /** The shape version snapshots must carry to be used; others are ignored. */
  readonly snapshotSchemaVersion: number;
  /** The state of a stream with no events. */
  initial(): T;
  /** The state a stored snapshot holds. May throw: the stream is then replayed from the start. */
  restore(snapshot: Snapshot): T;
  /** The state after `events`, which continue the version `state` is at without a gap. */
  apply(state: T, events: readonly DomainEvent[]): T;
}

/** A stream's state as {@link loadStreamState} rebuilt it. */
export interface LoadedStreamState<T> {
  /** The rebuilt state. */
  readonly state: T;
  /** The stream version it reflects: the expected version of the next append. */
  readonly version: number;
  /** The snapshot it started from, or `null` when it replayed the whole stream. */
  readonly lastSnapshot: SnapshotMark | null;
}

/** The default `onSnapshotError`: a warning on the console. */
export const warnSnapshotError: SnapshotErrorHandler = (error, info) => {
  console.warn(
    `[chronicle] snapshot ${info.phase} failed for ${info.aggregateType}/${info.aggregateId} at version ${info.version}`,
    error,
  );
};

/** Calls the hook; a throwing hook must not turn a committed save (or a good replay) into a failure. */
export function reportSnapshotError(
  onError: SnapshotErrorHandler,
  error: unknown,
  info: SnapshotErrorInfo,
): void {
  try {
    onError(error, info);
  } catch {
    // Deliberately swallowed: see above.
  }
}

/**
 * Rebuilds a stream's state from its newest usable snapshot plus the events after it, or from the
 * whole stream. A snapshot of another schema version, or one ahead of its stream (a restored backup,
 * a reset stream), is ignored; one that fails to restore is reported as a `'load'` snapshot error and
 * the stream replayed. Returns `null` for a stream with no events.
 */
export function loadStreamState<T>(
  store: ReadWriteEventStore,
  stream: StreamRef,
  rebuilder: StateRebuilder<T>,
  onSnapshotError: SnapshotErrorHandler,
): Promise<LoadedStreamState<T> | null> {
  return traceLoad(
    stream,
    () => rebuildStreamState(store, stream, rebuilder, onSnapshotError),
    (loaded) => loaded?.lastSnapshot != null,
  );
}

async function rebuildStreamState<T>(
  store: ReadWriteEventStore,
  stream: StreamRef,
  rebuilder: StateRebuilder<T>,
  onSnapshotError: SnapshotErrorHandler,
): Promise<LoadedStreamState<T> | null> {
  const { aggregateType, aggregateId } = stream;
  const snapshot = await store.getSnapshot(aggregateType, aggregateId);
  if (snapshot !== null && snapshot.schemaVersion === rebuilder.snapshotSchemaVersion) {
    const tail = await store.getEvents(aggregateType, aggregateId, snapshot.version);
    // An empty tail means the stream is at the snapshot's version, or behind it: a snapshot ahead
    // of its stream must not be trusted.
    const usable = tail.length > 0 || (await store.getStreamVersion(stream)) === snapshot.version;
    if (usable) {
      let restored: { state: T } | undefined;
      try {
        restored = { state: rebuilder.restore(snapshot) };
      } catch (error) {
        reportSnapshotError(onSnapshotError, error, {
          aggregateType,
          aggregateId,
          phase: 'load',
          version: snapshot.version,
        });
      }
      if (restored !== undefined) {
        return {
          state: rebuilder.apply(restored.state, tail),
          version: tail.at(-1)?.version ?? snapshot.version,
          lastSnapshot: { version: snapshot.version, createdAt: snapshot.createdAt },
        };
      }
    }
  }
  const events = await store.getEvents(aggregateType, aggregateId);
  const last = events.at(-1);
  if (last === undefined) return null;
  return { state: rebuilder.apply(rebuilder.initial(), events), version: last.version, lastSnapshot: null };
}

/**
 * Appends `events` stamped with the request's metadata, expecting the stream at `expectedVersion`.
 *
 * @throws ConcurrencyError when the stream moved (nothing written)
 */
export function appendStamped(
  store: ReadWriteEventStore,
  stream: StreamRef,
  expectedVersion: number,
  events: readonly NewEvent[],
  options: SaveOptions,
) {
  return store.append(
    stream,
    expectedVersion,
    events.map((event) => stampEvent(event, options)),
  );
}

/** What {@link snapshotIfDue} needs besides the store. */
export interface SnapshotDue {
  readonly stream: StreamRef;
  /** The stream version after the committed append. */
  readonly version: number;
  /** How many events the append wrote (at least 1). */
  readonly eventsAppended: number;
  /** The last snapshot known, or `null`. */
  readonly lastSnapshot: SnapshotMark | null;
  readonly strategy: SnapshotStrategy;
  readonly clock: () => Date;
  readonly onSnapshotError: SnapshotErrorHandler;
  /** Builds the snapshot at `version`, taken at `now`. */
  readonly take: (now: Date) => Snapshot;
}

/**
 * After a committed append, asks the strategy and writes a snapshot when it says so. A failure is
 * reported as a `'save'` snapshot error and never thrown: the events are committed, and a snapshot is
 * only an optimisation.
 *
 * @returns the new snapshot's mark, or `null` when none was written
 */
export async function snapshotIfDue(
  store: ReadWriteEventStore,
  due: SnapshotDue,
): Promise<SnapshotMark | null> {
  const context: SnapshotContext = {
    aggregateType: due.stream.aggregateType,
    aggregateId: due.stream.aggregateId,
    version: due.version,
    eventsAppended: due.eventsAppended,
    eventsSinceSnapshot: due.version - (due.lastSnapshot?.version ?? 0),
    lastSnapshot: due.lastSnapshot,
    now: due.clock(),
  };
  try {
    if (!due.strategy(context)) return null;
    const snapshot = due.take(context.now);
    await store.saveSnapshot(snapshot);
    return { version: snapshot.version, createdAt: snapshot.createdAt };
  } catch (error) {
    reportSnapshotError(due.onSnapshotError, error, {
      aggregateType: context.aggregateType,
      aggregateId: context.aggregateId,
      phase: 'save',
      version: context.version,
    });
    return null;
  }
}

/** The event as the store takes it, with the save's metadata filled in where the event has none. */
export function stampEvent(event: NewEvent, options: SaveOptions): NewEvent {
  const stamped: Mutable<NewEvent> = {
    eventType: event.eventType,
    eventData: event.eventData,
  };
  if (event.eventId !== undefined) stamped.eventId = event.eventId;
  if (event.schemaVersion !== undefined) stamped.schemaVersion = event.schemaVersion;
  if (event.occurredAt !== undefined) stamped.occurredAt = event.occurredAt;
  for (const key of ['userId', 'correlationId', 'causationId'] as const) {
    const value = event[key] ?? options[key];
    if (value !== undefined) stamped[key] = value;
  }
  if (event.metadata !== undefined || options.metadata !== undefined) {
    stamped.metadata = { ...options.metadata, ...event.metadata };
  }
  return stamped;
}
