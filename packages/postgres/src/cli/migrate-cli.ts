#!/usr/bin/env node
/**
 * `chronicle-pg-migrate`: creates or upgrades a Chronicle schema from the command line.
 *
 *   chronicle-pg-migrate --url postgres://user@host:5432/db [--schema chronicle]
 *
 * The URL may also come from CHRONICLE_PG_URL or DATABASE_URL. Exits 0 when the schema is current,
 * 1 on failure (the reason on stderr), 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { migratePostgres } from '../migrate-postgres';

const USAGE = 'usage: chronicle-pg-migrate --url <postgres-url> [--schema <name>]';

async function main(): Promise<number> {
  let values: { url?: string | undefined; schema?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        schema: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const url = values.url ?? process.env.CHRONICLE_PG_URL ?? process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    process.stderr.write(`no database URL: pass --url or set DATABASE_URL\n${USAGE}\n`);
    return 2;
  }
  try {
    const report = await migratePostgres(
      values.schema === undefined
        ? { connectionString: url }
        : { connectionString: url, schema: values.schema },
    );
    const applied = report.applied.length === 0 ? 'nothing to apply' : `applied ${report.applied.join(', ')}`;
    process.stdout.write(
      `chronicle: schema "${report.schema}" is at version ${report.version} (${applied})\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`chronicle: migration failed: ${(error as Error).message}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
