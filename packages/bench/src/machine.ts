import os from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';

/** The machine and server settings a run was measured on, recorded with every result. */
export interface MachineInfo {
  readonly hostname: string;
  readonly platform: string;
  readonly kernel: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryMb: number;
  readonly node: string;
  readonly sqlite: string;
  /** `SELECT version()` and the settings that bound commit latency, or why PostgreSQL was not asked. */
  readonly postgres: Record<string, string>;
  /** `os.loadavg()` when the run started. */
  readonly loadAverageAtStart: readonly number[];
}

/** The SQLite library version better-sqlite3 is built with. */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return String(db.prepare('SELECT sqlite_version()').pluck().get());
  } finally {
    db.close();
  }
}

const PG_SETTINGS = [
  'fsync',
  'synchronous_commit',
  'wal_sync_method',
  'full_page_writes',
  'shared_buffers',
  'max_connections',
];

/** PostgreSQL's version and durability settings; throws when the server cannot be reached. */
export async function postgresInfo(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const info: Record<string, string> = {};
    info.version = String((await client.query('SELECT version() AS v')).rows[0]?.v);
    for (const name of PG_SETTINGS) {
      info[name] = String((await client.query(`SHOW ${name}`)).rows[0]?.[name]);
    }
    return info;
  } finally {
    await client.end();
  }
}

/** Describes this machine. `postgres` is what {@link postgresInfo} returned, or the reason it failed. */
export function machineInfo(postgres: Record<string, string>): MachineInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    sqlite: sqliteVersion(),
    postgres,
    loadAverageAtStart: os.loadavg().map(round2),
  };
}

/** Rounds to two decimals (load averages). */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
