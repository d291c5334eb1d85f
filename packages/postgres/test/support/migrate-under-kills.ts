/**
 * Child process of `migration-kills.int.test.ts`: migrates fresh schemas while another connection
 * terminates the migrating backend at a random moment (0–120 ms after it appears), until `hits` migrations were actually hit.
 * An unhandled `'error'` event would end this process with a non-zero exit code and a stack trace,
 * so the parent sees a crash as a failed child rather than a hung or crashed test worker.
 *
 * Usage: tsx migrate-under-kills.ts <url> <hits> <seed> <named|unnamed> [server url]. The kills go
 * straight to the server (through a pooler, a killer's own server connection may still carry a
 * victim's application_name). Prints one JSON summary line on stdout.
 */
import { isStoreUnavailableError } from '@chronicle/core';
import pg from 'pg';
import { createPostgresEventStore } from '../../src/index';
import { MIGRATIONS } from '../../src/schema/migrations';

const [url, hitsArgument, seedArgument, statements, serverUrl] = process.argv.slice(2);
const wantedHits = Number(hitsArgument);
let seed = Number(seedArgument) >>> 0;
/** mulberry32: a seeded generator, so a failing run can be replayed with its seed. */
const random = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const admin = new pg.Pool({ connectionString: serverUrl ?? url, max: 2 });
admin.on('error', () => {});
const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
const summary = {
  attempts: 0,
  hits: 0,
  rejected: 0,
  succeededAnyway: 0,
  laterRetries: 0,
  problems: [] as string[],
};

for (let i = 0; summary.hits < wantedHits && i < wantedHits * 8; i++) {
  summary.attempts++;
  const applicationName = `victim_${process.pid}_${i}`;
  const schema = `t_kill_${process.pid}_${i}`;
  const store = createPostgresEventStore({
    connectionString: url!,
    schema,
    poolConfig: { application_name: applicationName, max: 2 },
    prepareStatements: statements !== 'unnamed',
  });
  // Every other attempt takes the autonomous path: the first operation migrates.
  const viaFirstOperation = i % 2 === 1;
  const first = (
    viaFirstOperation ? store.getStreamVersion({ aggregateType: 'K', aggregateId: 'k' }) : store.migrate()
  ).then(
    () => 'ok' as const,
    (error: unknown) => error,
  );
  // Kill at a random moment once the victim's backend exists (before that there is nothing to kill):
  // anywhere from its first statement to past the end of a fresh schema's migration.
  for (let polls = 0; polls < 200; polls++) {
    const { rows: seen } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
      applicationName,
    ]);
    if (seen.length > 0) break;
  }
  await new Promise((resolve) => setTimeout(resolve, random() * 120));
  const { rows } = await admin.query<{ n: number }>(
    'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  const outcome = await first;
  if ((rows[0]?.n ?? 0) > 0) summary.hits++;
  if (outcome === 'ok') summary.succeededAnyway++;
  else if (isStoreUnavailableError(outcome) && outcome.retriable) summary.rejected++;
  else summary.problems.push(`attempt ${i}: first call failed with ${String(outcome)}`);
  // A later call succeeds and leaves the schema complete. The pool learns of a killed *idle*
  // connection asynchronously, so the call right after may still pick it and fail retriably (as
  // documented); the one after that runs on a fresh connection.
  for (let retry = 0; ; retry++) {
    try {
      const report = await store.migrate();
      if (report.version !== latest) summary.problems.push(`attempt ${i}: schema at ${report.version}`);
      await store.append({ aggregateType: 'K', aggregateId: 'k' }, 'no_stream', [
        { eventType: 'Survived', eventData: { i } },
      ]);
      break;
    } catch (error) {
      if (retry < 2 && isStoreUnavailableError(error) && error.retriable) {
        summary.laterRetries++;
        continue;
      }
      summary.problems.push(`attempt ${i}: the later call failed with ${String(error)}`);
      break;
    }
  }
  await store.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
await admin.end();
process.stdout.write(`${JSON.stringify(summary)}\n`);
