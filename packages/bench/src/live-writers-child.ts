/**
 * W10's writer process: reopens the store the parent created and runs the writers of the plan
 * (see `live-writers.ts`), so the parent's processor hears of each append from another process —
 * through `PRAGMA data_version` on SQLite, NOTIFY on PostgreSQL. Prints one JSON line when done.
 *
 * argv: <target> <location> <dataDir> <postgresUrl> <plan as JSON>
 */
import { type LiveWritersPlan, runLiveWriters } from './live-writers';
import { TARGET_NAMES, type TargetName } from './subject';
import { createFactory } from './subjects/index';
import { storeOf } from './workloads/consuming-subject';

async function main(): Promise<void> {
  const [target, location, dataDir, postgresUrl, planJson] = process.argv.slice(2);
  if (!TARGET_NAMES.includes(target as TargetName) || location === undefined || planJson === undefined) {
    throw new Error('usage: live-writers-child <target> <location> <dataDir> <postgresUrl> <plan>');
  }
  const factory = createFactory(target as TargetName, {
    dataDir: dataDir ?? '.',
    postgresUrl: postgresUrl ?? '',
  });
  const subject = await factory.reopen(location);
  try {
    const report = await runLiveWriters(storeOf(subject), JSON.parse(planJson) as LiveWritersPlan);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await subject.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
