import { describe, expect, it } from 'vitest';
import { type CpuProfile, categorise, summarise } from '../src/profile/categories';

const frame = (functionName: string, url = '') => ({ functionName, url });
const core = (path: string) => `file:///repo/packages/core/src/${path}`;

// The category rules decide what the per-event cost table in docs/performance.md says: a sample
// must land where its stack says the time went.
describe('profile categories', () => {
  it('puts a sample under validation when any frame of its stack is core validation', () => {
    expect(
      categorise([
        frame('checkString', core('validation/json.ts')),
        frame('append', 'file:///x/sqlite/src/a.ts'),
      ]),
    ).toBe('validation');
  });

  it('counts better-sqlite3 native calls and node-postgres as the driver', () => {
    expect(
      categorise([frame('run'), frame('appendEvents', 'file:///repo/packages/sqlite/src/sql/append.ts')]),
    ).toBe('driver');
    expect(categorise([frame('escapeElement', 'file:///repo/node_modules/pg/lib/utils.js')])).toBe('driver');
  });

  it('separates decoding, the fold, idle time, gc and the profiler itself', () => {
    expect(categorise([frame('decodeEventRow', core('adapter/decode-event-row.ts'))])).toBe('decoding');
    expect(categorise([frame('apply', core('aggregate/aggregate-root.ts'))])).toBe('aggregate fold');
    expect(categorise([frame('(idle)')])).toBe('waiting (server, fsync)');
    expect(categorise([frame('(garbage collector)')])).toBe('gc');
    expect(categorise([frame('dispatch'), frame('post', 'node:inspector')])).toBe('profiler');
  });

  it('sums self time per category over the samples', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('decodeEventRow', core('adapter/decode-event-row.ts')) },
        { id: 3, callFrame: frame('(idle)') },
      ],
      samples: [2, 3, 2],
      timeDeltas: [10, 100, 20],
    };
    const totals = summarise(profile);
    expect(totals.get('decoding')).toBe(30);
    expect(totals.get('waiting (server, fsync)')).toBe(100);
    expect(totals.get('validation')).toBe(0);
  });
});
