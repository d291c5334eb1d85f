import { existsSync } from 'node:fs';
import { StoreUnavailableError } from '@chronicle/core';
import { migratePostgres } from '@chronicle/postgres';
import { createSqliteEventStore, LATEST_SCHEMA_VERSION } from '@chronicle/sqlite';
import type { CommandContext } from '../command-context';
import { redact } from '../target';

/** What `migrate --json` prints. */
export interface MigrateResult {
  readonly adapter: 'sqlite' | 'postgres';
  readonly location: string;
  readonly schemaVersion: number;
  /** Whether this run created the store (SQLite file or PostgreSQL schema) or applied migrations. */
  readonly changed: boolean;
}

/** `chronicle migrate`: creates the store or brings its schema up to date. The one command that writes. */
export async function migrateCommand({ target, io, json, colour }: CommandContext): Promise<number> {
  let result: MigrateResult;
  if (target.adapter === 'sqlite') {
    const created = !existsSync(target.filename);
    // Opening the store migrates it (BEGIN IMMEDIATE; safe against a concurrent migrate).
    const store = createSqliteEventStore({ filename: target.filename });
    await store.close();
    result = {
      adapter: 'sqlite',
      location: target.filename,
      schemaVersion: LATEST_SCHEMA_VERSION,
      changed: created,
    };
  } else {
    let report: Awaited<ReturnType<typeof migratePostgres>>;
    try {
      report = await migratePostgres({ connectionString: target.url, schema: target.schema });
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`migrating ${redact(target.url)} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    result = {
      adapter: 'postgres',
      location: `${redact(target.url)} (schema ${report.schema})`,
      schemaVersion: report.version,
      changed: report.applied.length > 0,
    };
  }
  if (json) {
    io.out.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const what = result.changed ? colour.green('migrated') : 'already current';
    io.out.write(`${result.location}: ${what}, schema version ${result.schemaVersion}\n`);
  }
  return 0;
}
