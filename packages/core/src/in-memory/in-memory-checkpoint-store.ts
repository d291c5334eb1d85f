import type {
  Checkpoint,
  CheckpointStore,
  Lease,
  ParkedEvent,
  SaveCheckpointOptions,
} from '../contract/consuming';
import { CheckpointConflictError } from '../errors';
import { assertIdentifier, assertPosition } from '../validation/arguments';
import {
  assertLease,
  assertParkEvent,
  assertSaveOptions,
  assertTtl,
} from '../validation/checkpoint-arguments';

/** The in-memory checkpoint store, plus the synchronous compare-and-set projection transactions commit with. */
export interface InMemoryCheckpointStore extends CheckpointStore {
  saveNow(processorId: string, position: bigint, options: SaveCheckpointOptions, apply?: boolean): void;
}

interface LeaseRow {
  owner: string;
  token: bigint;
  expiresAt: number;
}

/**
 * The reference {@link CheckpointStore}: checkpoints, leases and parked events in maps. Each method
 * runs synchronously once validated, so each is atomic, as the database versions are by transaction.
 *
 * @param assertOpen - throws when the owning store is closed
 * @param now - the clock leases expire by (milliseconds)
 */
export function createInMemoryCheckpointStore(
  assertOpen: () => void,
  now: () => number = Date.now,
): InMemoryCheckpointStore {
  const checkpoints = new Map<string, Checkpoint>();
  const leases = new Map<string, LeaseRow>();
  const parked = new Map<string, Map<bigint, ParkedEvent>>();

  const toLease = (processorId: string, row: LeaseRow): Lease => ({
    processorId,
    owner: row.owner,
    token: row.token,
    expiresAt: new Date(row.expiresAt),
  });
  const copy = (c: Checkpoint): Checkpoint => ({ ...c, updatedAt: new Date(c.updatedAt.getTime()) });

  /**
   * The compare-and-set of `save`, synchronously: a projection transaction checks it when the
   * handler asks (`apply: false`) and applies it in the same synchronous step as its documents.
   */
  function saveNow(
    processorId: string,
    position: bigint,
    options: SaveCheckpointOptions,
    apply = true,
  ): void {
    assertIdentifier(processorId, 'processorId');
    assertPosition(position, 'position');
    assertSaveOptions(options);
    assertOpen();
    const { expected, lease } = options;
    if (lease !== undefined) {
      const current = leases.get(lease.processorId);
      if (lease.processorId !== processorId || current === undefined || current.token !== lease.token) {
        const actual = checkpoints.get(processorId)?.position;
        throw new CheckpointConflictError(processorId, { expected, actual, leaseToken: lease.token });
      }
    }
    const actual = checkpoints.get(processorId)?.position;
    if (actual !== expected) throw new CheckpointConflictError(processorId, { expected, actual });
    if (apply) checkpoints.set(processorId, { processorId, position, updatedAt: new Date(now()) });
  }

  const store: CheckpointStore = {
    async load(processorId) {
      assertIdentifier(processorId, 'processorId');
      assertOpen();
      const checkpoint = checkpoints.get(processorId);
      return checkpoint && copy(checkpoint);
    },

    async save(processorId, position, options) {
      saveNow(processorId, position, options);
    },

    async claim(processorId, owner, ttlMs) {
      assertIdentifier(processorId, 'processorId');
      assertIdentifier(owner, 'owner');
      assertTtl(ttlMs);
      assertOpen();
      const at = now();
      const current = leases.get(processorId);
      if (current !== undefined && current.owner !== owner && current.expiresAt > at) return undefined;
      const row = { owner, token: (current?.token ?? 0n) + 1n, expiresAt: at + ttlMs };
      leases.set(processorId, row);
      return toLease(processorId, row);
    },

    async renew(lease, ttlMs) {
      assertLease(lease);
      assertTtl(ttlMs);
      assertOpen();
      const current = leases.get(lease.processorId);
      if (current === undefined || current.token !== lease.token) return undefined;
      current.expiresAt = now() + ttlMs;
      return toLease(lease.processorId, current);
    },

    async release(lease) {
      assertLease(lease);
      assertOpen();
      const current = leases.get(lease.processorId);
      // The row stays (expired), so the next claim's token is still larger than every earlier one.
      if (current !== undefined && current.token === lease.token) current.expiresAt = 0;
    },

    async list() {
      assertOpen();
      return [...checkpoints.values()]
        .sort((a, b) => (a.processorId < b.processorId ? -1 : a.processorId > b.processorId ? 1 : 0))
        .map(copy);
    },

    async reset(processorId, position) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      assertOpen();
      checkpoints.set(processorId, { processorId, position, updatedAt: new Date(now()) });
    },

    async park(processorId, event) {
      assertIdentifier(processorId, 'processorId');
      assertParkEvent(event);
      assertOpen();
      const ofProcessor = parked.get(processorId) ?? new Map<bigint, ParkedEvent>();
      parked.set(processorId, ofProcessor);
      const { position, eventId, eventType, error, attempts } = event;
      ofProcessor.set(position, {
        processorId,
        position,
        eventId,
        eventType,
        error,
        attempts,
        parkedAt: new Date(now()),
      });
    },

    async listParked(processorId) {
      assertIdentifier(processorId, 'processorId');
      assertOpen();
      return [...(parked.get(processorId)?.values() ?? [])]
        .sort((a, b) => (a.position < b.position ? -1 : 1))
        .map((p) => ({ ...p, parkedAt: new Date(p.parkedAt.getTime()) }));
    },

    async unpark(processorId, position) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      assertOpen();
      return parked.get(processorId)?.delete(position) ?? false;
    },
  };
  return Object.assign(store, { saveNow });
}
