import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderInspection, runInspectionBench } from '../src/inspection/inspection-bench';

// The bench's own checks at a small size: it pages every stream and verifies the whole log, and
// refuses to report figures for a wrong answer. (Figures come from `pnpm bench inspection`.)
describe('the inspection bench', () => {
  it('pages through every stream, verifies every event and reports the ratio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chronicle-bench-inspection-'));
    try {
      const result = await runInspectionBench(dir, { streams: 120, eventsPerStream: 3 }, () => {});
      expect(result).toMatchObject({ events: 360, streams: 120, fullWalk: { pages: 3 } });
      expect(result.verifyRatio).toBeGreaterThan(0);
      expect(renderInspection(result)).toContain('SQLite, 360 events in 120 streams');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
