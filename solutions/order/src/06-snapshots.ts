import type { SnapshotStrategy } from '@chronicle/core';
import type { OrderState } from './order-events';

/** What an Order snapshot keeps: the whole state (it is plain JSON already). */
export type OrderSnapshotState = OrderState;

/** Snapshot after this many events since the last snapshot. */
export const SNAPSHOT_EVERY_EVENTS = 5;
/** Snapshot when the last snapshot is at least this old (ms), however few events since. */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Every 5 events since the last snapshot, or — for an order that has a snapshot — when that
 * snapshot is an hour old. Chronicle's `maxSnapshotAge` also fires when there is no snapshot at all
 * (every first save would snapshot), which is why this strategy is written by hand.
 *
 * @example `new Repository(store, { create: (id) => new Order(id), snapshotStrategy: orderSnapshotStrategy })`
 */
export const orderSnapshotStrategy: SnapshotStrategy = ({ eventsSinceSnapshot, lastSnapshot, now }) =>
  eventsSinceSnapshot >= SNAPSHOT_EVERY_EVENTS ||
  (lastSnapshot !== null && now.getTime() - lastSnapshot.createdAt.getTime() >= SNAPSHOT_MAX_AGE_MS);

/** The state as a snapshot: a deep copy, so the snapshot and the live order share nothing. */
export function toOrderSnapshot(state: OrderState): OrderSnapshotState {
  return structuredClone(state);
}

/** The state from a snapshot: a deep copy again, for the same reason. */
export function fromOrderSnapshot(snapshot: OrderSnapshotState): OrderState {
  return structuredClone(snapshot);
}
