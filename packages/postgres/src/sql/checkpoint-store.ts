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
import type { QueryRunner } from './query-runner';

/** Epoch milliseconds of a `timestamptz` column, as text (the runner parses nothing). */
const millis = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::int8`;

interface CheckpointRow {
  readonly processorId: string;
  readonly position: string;
  readonly updatedAt: string;
}
interface LeaseRow {
  readonly owner: string;
  readonly token: string;
  readonly expiresAt: string;
}
interface ParkedRow {
  readonly processorId: string;
  readonly position: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly error: string;
  readonly attempts: string;
  readonly parkedAt: string;
}

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  processorId: row.processorId,
  position: BigInt(row.position),
  updatedAt: new Date(Number(row.updatedAt)),
});
const toLease = (processorId: string, row: LeaseRow): Lease => ({
  processorId,
  owner: row.owner,
  token: BigInt(row.token),
  expiresAt: new Date(Number(row.expiresAt)),
});

/** The checkpoint statements for the quoted schema `s`. */
function statements(s: string) {
  const checkpointColumns = `processor_id AS "processorId", position, ${millis('updated_at')} AS "updatedAt"`;
  const leaseColumns = `owner, token, ${millis('expires_at')} AS "expiresAt"`;
  // With a lease ($4 its processor id, $5 its token) the save holds that lease row FOR SHARE: a
  // concurrent claim (which updates the row) waits until the save commits, and a save that comes
  // after a claim re-reads the row and finds the token superseded. So "the lease is current" and
  // "the position moved" are one atomic step, as SQLite's single-writer lock makes them.
  const leaseHeld = '($4::text IS NULL OR EXISTS (SELECT 1 FROM current_lease))';
  const currentLease =
    `WITH current_lease AS (SELECT 1 FROM ${s}.leases ` +
    'WHERE processor_id = $4::text AND processor_id = $1 AND token = $5::int8 FOR SHARE) ';
  return {
    load: `SELECT ${checkpointColumns} FROM ${s}.checkpoints WHERE processor_id = $1`,
    // Compare-and-set in one statement each: an update whose WHERE re-checks the stored position
    // after waiting for a concurrent writer (READ COMMITTED re-evaluates it on the new row version),
    // and a first save that only inserts when there is no row at all.
    saveOver:
      `${currentLease}UPDATE ${s}.checkpoints SET position = $2::int8, updated_at = now() ` +
      `WHERE processor_id = $1 AND position = $3::int8 AND ${leaseHeld} RETURNING 1 AS saved`,
    saveFirst:
      `${currentLease}INSERT INTO ${s}.checkpoints (processor_id, position, updated_at) ` +
      `SELECT $1, $2::int8, now() WHERE $3::int8 IS NULL AND ${leaseHeld} ` +
      'ON CONFLICT (processor_id) DO NOTHING RETURNING 1 AS saved',
    // What a failed save met, for the error: the stored position and the lease's current token.
    conflict:
      `SELECT (SELECT position FROM ${s}.checkpoints WHERE processor_id = $1) AS position, ` +
      `(SELECT token FROM ${s}.leases WHERE processor_id = $2) AS token`,
    list: `SELECT ${checkpointColumns} FROM ${s}.checkpoints ORDER BY processor_id COLLATE "C"`,
    reset:
      `INSERT INTO ${s}.checkpoints (processor_id, position, updated_at) VALUES ($1, $2::int8, now()) ` +
      'ON CONFLICT (processor_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
    // Time is the server's (clock_timestamp(), not now(): the transaction's start could be stale),
    // so instances on machines with drifting clocks agree on when a lease lapses.
    claim:
      `INSERT INTO ${s}.leases AS l (processor_id, owner, token, expires_at) ` +
      "VALUES ($1, $2, 1, clock_timestamp() + $3::int8 * interval '1 millisecond') " +
      'ON CONFLICT (processor_id) DO UPDATE SET owner = excluded.owner, token = l.token + 1, ' +
      'expires_at = excluded.expires_at WHERE l.owner = excluded.owner OR l.expires_at <= clock_timestamp() ' +
      `RETURNING ${leaseColumns}`,
    renew:
      `UPDATE ${s}.leases SET expires_at = clock_timestamp() + $3::int8 * interval '1 millisecond' ` +
      `WHERE processor_id = $1 AND token = $2::int8 RETURNING ${leaseColumns}`,
    // The row stays, expired, so the next claim's token is still larger than every earlier one.
    release: `UPDATE ${s}.leases SET expires_at = 'epoch' WHERE processor_id = $1 AND token = $2::int8`,
    park:
      `INSERT INTO ${s}.parked_events AS p ` +
      '(processor_id, position, event_id, event_type, error, attempts, parked_at) ' +
      'VALUES ($1, $2::int8, $3, $4, $5, $6, now()) ON CONFLICT (processor_id, position) DO UPDATE SET ' +
      'event_id = excluded.event_id, event_type = excluded.event_type, error = excluded.error, ' +
      'attempts = excluded.attempts, parked_at = excluded.parked_at',
    listParked:
      'SELECT processor_id AS "processorId", position, event_id AS "eventId", event_type AS "eventType", ' +
      `error, attempts, ${millis('parked_at')} AS "parkedAt" FROM ${s}.parked_events ` +
      'WHERE processor_id = $1 ORDER BY position',
    unpark: `DELETE FROM ${s}.parked_events WHERE processor_id = $1 AND position = $2::int8 RETURNING 1 AS gone`,
  };
}

const text = (value: bigint | undefined): string | null => (value === undefined ? null : value.toString());

/**
 * The checkpoint's compare-and-set (`CheckpointStore.save`'s rule) on the runner given: the store's
 * pool for `save`, or a projection's transaction, which moves the checkpoint first (locking its row
 * until commit) and then writes the batch's documents.
 *
 * @throws CheckpointConflictError when the stored checkpoint is not `expected` or the lease is stale
 */
export function createCheckpointCompareAndSet(s: string) {
  const sql = statements(s);
  return async (
    db: QueryRunner,
    processorId: string,
    position: bigint,
    { expected, lease }: SaveCheckpointOptions,
  ): Promise<void> => {
    const values = [
      processorId,
      position.toString(),
      text(expected),
      lease?.processorId ?? null,
      text(lease?.token),
    ];
    const saved = await db.rows(expected === undefined ? sql.saveFirst : sql.saveOver, values);
    if (saved.length > 0) return;
    const [met] = await db.rows<{ position: string | null; token: string | null }>(sql.conflict, [
      processorId,
      lease?.processorId ?? processorId,
    ]);
    const actual = met?.position == null ? undefined : BigInt(met.position);
    if (lease !== undefined && (lease.processorId !== processorId || met?.token !== lease.token.toString())) {
      throw new CheckpointConflictError(processorId, { expected, actual, leaseToken: lease.token });
    }
    throw new CheckpointConflictError(processorId, { expected, actual });
  };
}

/**
 * The PostgreSQL {@link CheckpointStore}: tables `checkpoints`, `leases` and `parked_events`
 * (migration 3) in the store's schema, with the semantics of SQLite's (`packages/sqlite`), each
 * check-and-write in one statement. Leases expire by the server's clock, so processors on several
 * machines agree; they are rows, not advisory locks, so they hold behind PgBouncer and across
 * restarts.
 *
 * @param s - the quoted schema
 * @param guard - the store's error rule, with the action's name
 */
export function createPostgresCheckpointStore(
  s: string,
  db: QueryRunner,
  guard: <T>(action: string, call: () => Promise<T>) => Promise<T>,
): CheckpointStore {
  const sql = statements(s);
  const compareAndSet = createCheckpointCompareAndSet(s);

  return {
    async load(processorId) {
      assertIdentifier(processorId, 'processorId');
      const [row] = await guard(`load checkpoint of ${processorId}`, () =>
        db.rows<CheckpointRow>(sql.load, [processorId]),
      );
      return row && toCheckpoint(row);
    },

    async save(processorId, position, options) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      assertSaveOptions(options);
      await guard(`save checkpoint of ${processorId}`, () =>
        compareAndSet(db, processorId, position, options),
      );
    },

    async claim(processorId, owner, ttlMs) {
      assertIdentifier(processorId, 'processorId');
      assertIdentifier(owner, 'owner');
      assertTtl(ttlMs);
      const [row] = await guard(`claim lease of ${processorId}`, () =>
        db.rows<LeaseRow>(sql.claim, [processorId, owner, Math.ceil(ttlMs)]),
      );
      return row && toLease(processorId, row);
    },

    async renew(lease, ttlMs) {
      assertLease(lease);
      assertTtl(ttlMs);
      const [row] = await guard(`renew lease of ${lease.processorId}`, () =>
        db.rows<LeaseRow>(sql.renew, [lease.processorId, lease.token.toString(), Math.ceil(ttlMs)]),
      );
      return row && toLease(lease.processorId, row);
    },

    async release(lease) {
      assertLease(lease);
      await guard(`release lease of ${lease.processorId}`, () =>
        db.rows(sql.release, [lease.processorId, lease.token.toString()]),
      );
    },

    async list() {
      const rows = await guard('list checkpoints', () => db.rows<CheckpointRow>(sql.list, []));
      return rows.map(toCheckpoint);
    },

    async reset(processorId, position) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      await guard(`reset checkpoint of ${processorId}`, () =>
        db.rows(sql.reset, [processorId, position.toString()]),
      );
    },

    async park(processorId, event) {
      assertIdentifier(processorId, 'processorId');
      assertParkEvent(event);
      const { position, eventId, eventType, error, attempts } = event;
      await guard(`park event at ${position} for ${processorId}`, () =>
        db.rows(sql.park, [processorId, position.toString(), eventId, eventType, error, attempts]),
      );
    },

    async listParked(processorId) {
      assertIdentifier(processorId, 'processorId');
      const rows = await guard(`list parked events of ${processorId}`, () =>
        db.rows<ParkedRow>(sql.listParked, [processorId]),
      );
      return rows.map(
        (row): ParkedEvent => ({
          processorId: row.processorId,
          position: BigInt(row.position),
          eventId: row.eventId,
          eventType: row.eventType,
          error: row.error,
          attempts: Number(row.attempts),
          parkedAt: new Date(Number(row.parkedAt)),
        }),
      );
    },

    async unpark(processorId, position) {
      assertIdentifier(processorId, 'processorId');
      assertPosition(position, 'position');
      const gone = await guard(`unpark event at ${position} for ${processorId}`, () =>
        db.rows(sql.unpark, [processorId, position.toString()]),
      );
      return gone.length > 0;
    },
  };
}
