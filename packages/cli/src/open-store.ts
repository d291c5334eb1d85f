import type { Inspection } from './inspect/inspection';
import { openPostgresInspection } from './inspect/postgres';
import { openSqliteInspection } from './inspect/sqlite';
import type { StoreTarget } from './target';

/** Opens the store for reading (read-only; never creates anything). */
export async function openInspection(target: StoreTarget): Promise<Inspection> {
  return target.adapter === 'sqlite'
    ? openSqliteInspection(target.filename)
    : openPostgresInspection(target.url, target.schema);
}

/** Runs `work` with an open inspection and closes it whatever happens. */
export async function withInspection<T>(
  target: StoreTarget,
  work: (inspection: Inspection) => Promise<T>,
): Promise<T> {
  const inspection = await openInspection(target);
  try {
    return await work(inspection);
  } finally {
    await inspection.close();
  }
}
