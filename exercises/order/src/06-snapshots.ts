import type { SnapshotStrategy } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { OrderState } from './order-events';

/** What an Order snapshot keeps: the whole state (it is plain JSON already). */
export type OrderSnapshotState = OrderState;

/** Snapshot after this many events since the last snapshot. */
export const SNAPSHOT_EVERY_EVENTS = 5;
/** Snapshot when the last snapshot is at least this old (ms), however few events since. */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Every 5 events since the last snapshot, or — for an order that has a snapshot — when that
 * snapshot is an hour old.
 */
export const orderSnapshotStrategy: SnapshotStrategy = (context) => {
  // TODO: decide from context.eventsSinceSnapshot, context.lastSnapshot and context.now.
  void context;
  throw new NotImplementedError('06-snapshots', 'decide when to snapshot in orderSnapshotStrategy');
};

/** The state as a snapshot. */
export function toOrderSnapshot(state: OrderState): OrderSnapshotState {
  // TODO: a copy that shares no objects with the live order.
  void state;
  throw new NotImplementedError('06-snapshots', 'copy the state into a snapshot in toOrderSnapshot()');
}

/** The state from a snapshot. */
export function fromOrderSnapshot(snapshot: OrderSnapshotState): OrderState {
  // TODO: a copy again.
  void snapshot;
  throw new NotImplementedError('06-snapshots', 'restore the state in fromOrderSnapshot()');
}
