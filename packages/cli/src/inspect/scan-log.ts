import type { Finding, ProgressSink } from './inspection';

/** The columns the log scan needs, one row per event. */
export interface ScanRow {
  readonly position: bigint;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
}

/** Reads the log in position order, `limit` rows after `after` (exclusive; null = from the start). */
export type ScanPage = (after: bigint | null, limit: number) => Promise<ScanRow[]>;

// Enough to show what is wrong without flooding a terminal when a whole table is damaged.
const MAX_FINDINGS_PER_CHECK = 100;

/**
 * One pass over the log in position order, shared by both adapters. Checks that positions strictly
 * increase and that each stream's versions run 1, 2, 3, … in position order (gapless, and rising with
 * position, which readers rely on). Memory is one number per stream, never the events.
 */
export async function scanLog(
  scanPage: ScanPage,
  total: number,
  pageSize: number,
  progress: ProgressSink,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const versions = new Map<string, number>();
  let after: bigint | null = null;
  let done = 0;
  let gaps = 0;
  for (;;) {
    const rows = await scanPage(after, pageSize);
    for (const row of rows) {
      if (after !== null && row.position <= after && findings.length < MAX_FINDINGS_PER_CHECK) {
        findings.push({
          check: 'position-order',
          message: `position ${row.position} follows position ${after}: positions must be unique and increasing`,
        });
      }
      const key = `${row.aggregateType}/${row.aggregateId}`;
      const expected = (versions.get(key) ?? 0) + 1;
      if (row.version !== expected && gaps++ < MAX_FINDINGS_PER_CHECK) {
        findings.push({
          check: 'version-gap',
          message: `stream ${key}: version ${row.version} at position ${row.position}, expected ${expected}`,
        });
      }
      versions.set(key, Math.max(row.version, versions.get(key) ?? 0));
      after = row.position;
    }
    done += rows.length;
    progress(done, Math.max(total, done));
    if (rows.length < pageSize) break;
  }
  return findings;
}
