import {
  type Checkpoint,
  CheckpointConflictError,
  type CheckpointStore,
  type Lease,
  type ParkedEvent,
  type SaveCheckpointOptions,
} from '@chronicle/core';
import {
  assertIdentifier,
  assertLease,
  assertParkEvent,
  assertPosition,
  assertSaveOptions,
  assertTtl,
} from '@chronicle/core/adapter';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-driver';

interface CheckpointRow {
  readonly processor_id: string;
  readonly position: bigint;
  readonly updated_at: bigint;
}
interface LeaseRow {
  readonly owner: string;
  readonly token: bigint;
  readonly expires_at: bigint;
}
interface ParkedRow {
  readonly processor_id: string;
  readonly position: bigint;
  readonly event_id: string;
  readonly event_type: string;
  readonly error: string;
  readonly attempts: bigint;
  readonly parked_at: bigint;
}

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  processorId: row.processor_id,
  position: row.position,
  updatedAt: new Date(Number(row.updated_at)),
});

/**
 * The checkpoint's compare-and-set (`CheckpointStore.save`'s rule), for a caller that already holds
 * the write lock (`BEGIN IMMEDIATE`): the checkpoint store's own `save`, and a projection's batch,
 * which moves the checkpoint in the transaction that writes its documents.
 *
 * @throws CheckpointConflictError when the stored checkpoint is not `expected` or the lease is stale
 */
export function prepareCheckpointCompareAndSet(
  database: SqliteDatabase,
): (processorId: string, position: bigint, options: SaveCheckpointOptions) => void {
  const prepare = (sql: string): SqliteStatement => database.prepare(sql).safeIntegers(true);
  const load = prepare('SELECT position FROM checkpoints WHERE processor_id = ?');
  const leaseToken = prepare('SELECT token FROM leases WHERE processor_id = ?');
  const upsert = prepare(
    `INSERT INTO checkpoints (processor_id, position, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (processor_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
  );
  return (processorId, position, { expected, lease }) => {
    const actual = (load.get(processorId) as { position: bigint } | undefined)?.position;
    if (lease !== undefined) {
      const current = leaseToken.get(lease.processorId) as { token: bigint } | undefined;
      if (lease.processorId !== processorId || current?.token !== lease.token) {
        throw new CheckpointConflictError(processorId, { expected, actual, leaseToken: lease.token });
      }
    }
    if (actual !== expected) throw new CheckpointConflictError(processorId, { expected, actual });
    upsert.run(processorId, position, Date.now());
  };
}

/**
 * The SQLite {@link CheckpointStore}: tables `checkpoints`, `leases` and `parked_events` (migration 2)
 * in the store's own file. Every read-check-write runs in one `BEGIN IMMEDIATE` transaction, so
 * compare-and-set and leases hold across every process that opens the file. Lease expiry is by each
 * process' wall clock (processes sharing a file share a machine).
 *
 * @param run - the store's guard: refuses after `close()` and types driver errors
 */
export function createSqliteCheckpointStore(
  database: SqliteDatabase,
  run: <T>(operation: () => T) => T,
): CheckpointStore {
  const prepare = (sql: string): SqliteStatement => database.prepare(sql).safeIntegers(true);
  const compareAndSet = prepareCheckpointCompareAndSet(database);
  const sql = {
    begin: database.prepare('BEGIN IMMEDIATE'),
    commit: database.prepare('COMMIT'),
    rollback: database.prepare('ROLLBACK'),
    load: prepare('SELECT processor_id, position, updated_at FROM checkpoints WHERE processor_id = ?'),
    upsert: prepare(
      `INSERT INTO checkpoints (processor_id, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (processor_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    ),
    list: prepare('SELECT processor_id, position, updated_at FROM checkpoints ORDER BY processor_id'),
    lease: prepare('SELECT owner, token, expires_at FROM leases WHERE processor_id = ?'),
    putLease: prepare(
      `INSERT INTO leases (processor_id, owner, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (processor_id) DO UPDATE SET owner = excluded.owner, token = excluded.token,
         expires_at = excluded.expires_at`,
    ),
    extendLease: prepare('UPDATE leases SET expires_at = ? WHERE processor_id = ? AND token = ?'),
    park: prepare(
      `INSERT OR REPLACE INTO parked_events
         (processor_id, position, event_id, event_type, error, attempts, parked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    listParked: prepare(
      `SELECT processor_id, position, event_id, event_type, error, attempts, parked_at
       FROM parked_events WHERE processor_id = ? ORDER BY position`,
    ),
    unpark: prepare('DELETE FROM parked_events WHERE processor_id = ? AND position = ?'),
  };

  /** Runs `operation` under SQLite's write lock: no other connection or process interleaves. */
  const locked = <T>(operation: () => T): T =>
    run(() => {
      sql.begin.run();
      try {
        const result = operation();
        sql.commit.run();
        return result;
      } catch (error) {
        if (database.inTransaction) sql.rollback.run();
        throw error;
      }
    });
  const leaseOf = (processorId: string) => sql.lease.get(processorId) as LeaseRow | undefined;
  const toLease = (processorId: string, row: LeaseRow): Lease => ({
    processorId,
    owner: row.owner,
    token: row.token,
    expiresAt: new Date(Number(row.expires_at)),
  });

  return {
    async load(processorId) {
      assertIdentifier(processorId, 'processorId');
      const row = run(() => sql.load.get(processorId)) as CheckpointRow | undefined;
      return row && toCheckpoint(row);
    },

    async save(processorId, position, options) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      assertSaveOptions(options);
      locked(() => compareAndSet(processorId, position, options));
    },

    async claim(processorId, owner, ttlMs) {
      assertIdentifier(processorId, 'processorId');
      assertIdentifier(owner, 'owner');
      assertTtl(ttlMs);
      return locked(() => {
        const now = Date.now();
        const current = leaseOf(processorId);
        if (current !== undefined && current.owner !== owner && Number(current.expires_at) > now)
          return undefined;
        const row: LeaseRow = { owner, token: (current?.token ?? 0n) + 1n, expires_at: BigInt(now + ttlMs) };
        sql.putLease.run(processorId, row.owner, row.token, row.expires_at);
        return toLease(processorId, row);
      });
    },

    async renew(lease, ttlMs) {
      assertLease(lease);
      assertTtl(ttlMs);
      const expiresAt = Date.now() + ttlMs;
      const { changes } = run(() => sql.extendLease.run(expiresAt, lease.processorId, lease.token));
      return changes === 0 ? undefined : { ...lease, expiresAt: new Date(expiresAt) };
    },

    async release(lease) {
      assertLease(lease);
      // The row stays (expired), so the next claim's token is still larger than every earlier one.
      run(() => sql.extendLease.run(0, lease.processorId, lease.token));
    },

    async list() {
      return (run(() => sql.list.all()) as CheckpointRow[]).map(toCheckpoint);
    },

    async reset(processorId, position) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      run(() => sql.upsert.run(processorId, position, Date.now()));
    },

    async park(processorId, event) {
      assertIdentifier(processorId, 'processorId');
      assertParkEvent(event);
      const { position, eventId, eventType, error, attempts } = event;
      run(() => sql.park.run(processorId, position, eventId, eventType, error, attempts, Date.now()));
    },

    async listParked(processorId) {
      assertIdentifier(processorId, 'processorId');
      return (run(() => sql.listParked.all(processorId)) as ParkedRow[]).map(
        (row): ParkedEvent => ({
          processorId: row.processor_id,
          position: row.position,
          eventId: row.event_id,
          eventType: row.event_type,
          error: row.error,
          attempts: Number(row.attempts),
          parkedAt: new Date(Number(row.parked_at)),
        }),
      );
    },

    async unpark(processorId, position) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      return run(() => sql.unpark.run(processorId, position)).changes > 0;
    },
  };
}
