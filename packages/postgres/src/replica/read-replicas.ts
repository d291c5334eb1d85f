import { InvalidArgumentError, ReplicaLagError } from '@chronicle/core';
import type { PostgresPool } from '../postgres-driver';
import { isReplicaUnavailable } from '../postgres-errors';
import { createPoolSource, type PoolSource } from '../postgres-pool';
import { createQueryRunner, type EventQueryRunner } from '../sql/query-runner';

/**
 * A hot standby to read the log from: a URL (the store creates its pool and ends it on `close()`)
 * or a pool you own.
 */
export type ReadReplica = string | PostgresPool;

/** What {@link ReadReplicas.status} reports for one standby. */
export interface ReplicaStatus {
  /** The standby: its URL without the password, or `replica #n` for a pool. */
  readonly replica: string;
  /**
   * `'streaming'`: in recovery, replaying; `'paused'`: replay paused (`pg_wal_replay_pause()`);
   * `'promoted'`: no longer a standby (it was promoted: point the store's primary at it);
   * `'down'`: unreachable now (reads go to the next standby, or the primary).
   */
  readonly state: 'streaming' | 'paused' | 'promoted' | 'down';
  /** WAL bytes the primary has written that the standby has not replayed (`undefined` when down). */
  readonly lagBytes: bigint | undefined;
  /**
   * Milliseconds since the last transaction the standby replayed committed on the primary. It grows
   * while the primary is idle too: read it beside `lagBytes`.
   */
  readonly replayAgeMs: number | undefined;
  /** The standby's read horizon: every position below it is final there (`undefined` when down). */
  readonly horizon: bigint | undefined;
  /** Why it is down. */
  readonly error: string | undefined;
}

/** The reading side of a store with standbys: `readAll` and subscriptions page through {@link db}. */
export interface ReadReplicas {
  /** Round robin over the standbys; a standby that fails is skipped for a while; none left: the primary. */
  readonly db: EventQueryRunner;
  /** Every standby's state and lag. */
  status(): Promise<ReplicaStatus[]>;
  /**
   * Resolves once every standby shows the log up to `position` (its read horizon is above it): a
   * `readAll` or a subscription that follows sees every event at or below it. A standby that cannot
   * be read (down, or the schema not replayed yet) counts as behind.
   *
   * @throws ReplicaLagError when a standby is still behind after `timeoutMs`
   */
  waitFor(position: bigint, timeoutMs: number): Promise<void>;
  /** Ends the pools the store created. */
  close(): Promise<void>;
}

/** How long a standby that failed is left out of the rotation, in ms. */
const REST_MS = 1_000;

interface Replica {
  readonly label: string;
  readonly source: PoolSource;
  readonly db: EventQueryRunner;
  /** Left out of the rotation until this time (`Date.now()` ms). */
  restUntil: number;
}

/**
 * Reads from standbys. Why a standby never makes a follower skip (C1): its snapshots are built from
 * the transactions the primary's WAL shows running, so `pg_snapshot_xmin` on a standby is at or below
 * every transaction that may still commit there, and the read horizon keeps the same promise it
 * keeps on the primary (`docs/scaling.md`, "Reading from standbys"). A page from one standby and the
 * next from another (or the primary) is safe too: a page returns nothing above its own horizon and
 * `through` never moves back.
 *
 * @param quoted - the store's quoted schema
 * @param primary - where reads go when no standby answers
 * @param ready - awaited before each read (the store's open/migrated gate)
 */
export function createReadReplicas(
  replicas: readonly ReadReplica[],
  quoted: string,
  primary: EventQueryRunner,
  ready: () => Promise<unknown>,
  prepareStatements: boolean,
): ReadReplicas {
  const members: Replica[] = replicas.map((replica, index) => {
    const source =
      typeof replica === 'string'
        ? createPoolSource({ connectionString: replica })
        : createPoolSource({ pool: replica });
    return {
      label: typeof replica === 'string' ? withoutPassword(replica) : `replica #${index + 1}`,
      source,
      db: createQueryRunner(() => source.get(), prepareStatements),
      restUntil: 0,
    };
  });
  let next = 0;

  /** Runs `read` on the next standby that answers; on the primary when none does. */
  async function onReplica<T>(read: (runner: EventQueryRunner) => Promise<T>): Promise<T> {
    await ready();
    for (let tried = 0; tried < members.length; tried++) {
      const member = members[next++ % members.length]!;
      if (member.restUntil > Date.now()) continue;
      try {
        return await read(member.db);
      } catch (error) {
        if (!isReplicaUnavailable(error)) throw error;
        member.restUntil = Date.now() + REST_MS;
      }
    }
    return read(primary);
  }
  const db: EventQueryRunner = {
    rows: (text, values) => onReplica((runner) => runner.rows(text, values)),
    tuples: (text, values) => onReplica((runner) => runner.tuples(text, values)),
  };

  const horizonOf = async (member: Replica): Promise<bigint> => {
    const [row] = await member.db.rows<{ horizon: string }>(
      `SELECT ${quoted}.read_horizon()::text AS horizon`,
      [],
    );
    return BigInt(row!.horizon);
  };

  async function waitForMember(member: Replica, position: bigint, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pause = 2;
    for (;;) {
      let behind: string;
      try {
        const horizon = await horizonOf(member);
        if (horizon > position) return;
        behind = `its read horizon is ${horizon}`;
      } catch (error) {
        // Down, restarting, or the schema not replayed there yet: behind, for the caller.
        if (!isReplicaUnavailable(error)) throw error;
        behind = `it cannot be read: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (Date.now() >= deadline) throw new ReplicaLagError(member.label, position, timeoutMs, behind);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 50);
    }
  }

  return {
    db,

    async status() {
      await ready();
      const [primaryRow] = await primary.rows<{ lsn: string }>(
        'SELECT pg_current_wal_lsn()::text AS lsn',
        [],
      );
      const primaryLsn = parseLsn(primaryRow!.lsn);
      return Promise.all(
        members.map(async (member): Promise<ReplicaStatus> => {
          try {
            const [row] = await member.db.rows<{
              recovery: string;
              paused: string | null;
              replay: string | null;
              ageMs: string | null;
              horizon: string;
            }>(
              'SELECT pg_is_in_recovery()::text AS recovery, ' +
                'CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused()::text END AS paused, ' +
                'pg_last_wal_replay_lsn()::text AS replay, ' +
                '(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::int8::text AS "ageMs", ' +
                `${quoted}.read_horizon()::text AS horizon`,
              [],
            );
            const inRecovery = row!.recovery === 'true';
            const replayed = row!.replay === null ? undefined : parseLsn(row!.replay);
            return {
              replica: member.label,
              state: !inRecovery ? 'promoted' : row!.paused === 'true' ? 'paused' : 'streaming',
              lagBytes:
                replayed === undefined ? undefined : primaryLsn > replayed ? primaryLsn - replayed : 0n,
              replayAgeMs: row!.ageMs === null ? undefined : Number(row!.ageMs),
              horizon: BigInt(row!.horizon),
              error: undefined,
            };
          } catch (error) {
            if (!isReplicaUnavailable(error)) throw error;
            return {
              replica: member.label,
              state: 'down',
              lagBytes: undefined,
              replayAgeMs: undefined,
              horizon: undefined,
              error: error instanceof Error ? error.message : String(error),
            };
          }
        }),
      );
    },

    async waitFor(position, timeoutMs) {
      await ready();
      await Promise.all(members.map((member) => waitForMember(member, position, timeoutMs)));
      // Every standby has it now: take the rested ones back into the rotation.
      for (const member of members) member.restUntil = 0;
    },

    async close() {
      await Promise.all(
        members.map(async ({ source }) => {
          if (source.owned && source.resolved !== undefined) await source.resolved.end();
        }),
      );
    },
  };
}

/**
 * Checks the `readReplicas` option: URLs (`postgres://` or `postgresql://`) or pools.
 *
 * @throws InvalidArgumentError naming the first bad entry
 */
export function assertReadReplicas(replicas: unknown): asserts replicas is readonly ReadReplica[] {
  if (!Array.isArray(replicas)) {
    throw new InvalidArgumentError('readReplicas', 'must be an array of PostgreSQL URLs or pools');
  }
  replicas.forEach((replica: unknown, index) => {
    const argument = `readReplicas[${index}]`;
    if (typeof replica === 'string') {
      if (!/^postgres(ql)?:\/\//.test(replica)) {
        throw new InvalidArgumentError(argument, 'must be a postgres:// URL');
      }
      return;
    }
    if (
      typeof replica !== 'object' ||
      replica === null ||
      typeof (replica as PostgresPool).query !== 'function'
    ) {
      throw new InvalidArgumentError(argument, 'must be a postgres:// URL or a pool (pg.Pool)');
    }
  });
}

/** A WAL location `X/Y` (two hex halves) as one number of bytes. */
function parseLsn(lsn: string): bigint {
  const [high = '0', low = '0'] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** The URL with its password masked, for status and errors. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'replica (unparseable URL)';
  }
}
