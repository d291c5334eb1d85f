import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './pgbouncer-setup';

/** The machine's PostgreSQL 15 binaries (Debian's layout). */
const BIN = '/usr/lib/postgresql/15/bin';

/** A primary and a streaming hot standby of its own, in a temporary folder, on loopback ports. */
export interface ReplicaPair {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` of the primary. */
  readonly primaryUrl: string;
  /** The standby's URL (read-only until promoted). */
  readonly standbyUrl: string;
  /** Stops the primary: `'immediate'` is a crash (no shutdown checkpoint), `'fast'` a clean stop. */
  stopPrimary(mode: 'immediate' | 'fast'): void;
  /** Stops the standby (fast) and starts it again: it resumes streaming where it stopped. */
  stopStandby(): void;
  startStandby(): void;
  /** Promotes the standby to a primary and waits until it accepts writes. */
  promoteStandby(): Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  waitForCatchUp(timeoutMs?: number): Promise<void>;
  /** Stops both servers and removes the folder. */
  cleanup(): void;
}

/** Why the pair cannot be built here, or `undefined` when the binaries are present. */
export function replicaPairUnavailable(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup']) {
    if (!existsSync(join(BIN, tool))) return `no ${join(BIN, tool)} (apt-get install postgresql-15)`;
  }
  return undefined;
}

/**
 * Builds the pair with the machine's binaries — `initdb`, `pg_basebackup -R` (a standby that streams
 * from the primary), `pg_ctl` — so the tests do not depend on how the machine's own cluster is
 * configured. PostgreSQL refuses to run as root, so as root every binary runs as `postgres`.
 * Replication is asynchronous; a test makes it synchronous with `ALTER SYSTEM SET
 * synchronous_standby_names` (then a stopped standby blocks every commit — as it would in production).
 */
export async function startReplicaPair(): Promise<ReplicaPair> {
  const dir = mkdtempSync(join(tmpdir(), 'chronicle-replica-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(dir, 0o777);
  const run = (tool: string, args: readonly string[]): void => {
    const command = asRoot ? 'runuser' : join(BIN, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(BIN, tool), ...args] : [...args];
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(
        `${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`,
      );
    }
  };
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const serverOptions = (port: number) =>
    [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c wal_level=replica',
      '-c max_wal_senders=4',
      '-c hot_standby=on',
      '-c fsync=off',
      '-c shared_buffers=16MB',
    ].join(' ');
  const start = (dataDir: string, port: number) =>
    run('pg_ctl', ['-D', dataDir, '-l', `${dataDir}.log`, '-o', serverOptions(port), '-w', 'start']);
  const stop = (dataDir: string, mode: 'immediate' | 'fast') => {
    if (existsSync(join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
  };
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

  try {
    run('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8', '--locale=C']);
    start(primaryDir, primaryPort);
    // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      `${primaryPort}`,
      '-U',
      'postgres',
      '-D',
      standbyDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    start(standbyDir, standbyPort);
  } catch (error) {
    stop(standbyDir, 'immediate');
    stop(primaryDir, 'immediate');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const query = async <Row>(target: string, text: string): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: target });
    client.on('error', () => {});
    await client.connect();
    try {
      return (await client.query(text)).rows as Row[];
    } finally {
      await client.end();
    }
  };

  return {
    primaryUrl: url(primaryPort),
    standbyUrl: url(standbyPort),
    stopPrimary: (mode) => stop(primaryDir, mode),
    stopStandby: () => stop(standbyDir, 'fast'),
    startStandby: () => start(standbyDir, standbyPort),
    async promoteStandby() {
      run('pg_ctl', ['-D', standbyDir, '-w', 'promote']);
      const deadline = Date.now() + 30_000;
      while ((await query<{ r: boolean }>(url(standbyPort), 'SELECT pg_is_in_recovery() AS r'))[0]?.r) {
        if (Date.now() > deadline) throw new Error('the standby did not leave recovery within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async waitForCatchUp(timeoutMs = 30_000) {
      const [{ lsn } = { lsn: '' }] = await query<{ lsn: string }>(
        url(primaryPort),
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await query<{ behind: boolean }>(
          url(standbyPort),
          `SELECT pg_last_wal_replay_lsn() < '${lsn}'::pg_lsn AS behind`,
        );
        if (row?.behind === false) return;
        if (Date.now() > deadline)
          throw new Error(`the standby did not replay ${lsn} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    cleanup() {
      stop(standbyDir, 'immediate');
      stop(primaryDir, 'immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
