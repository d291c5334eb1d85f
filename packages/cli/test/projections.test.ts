import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chronicle } from './run-cli';
import { seed } from './seed';

const dir = mkdtempSync(join(tmpdir(), 'chronicle-cli-projections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('./fixtures/balances-projection.ts', import.meta.url));

describe('chronicle rebuild: what it refuses, before touching the store', () => {
  const cases: [string, string[], string][] = [
    ['no --projection', [], "required option '--projection <module#Export>' not specified"],
    [
      'a malformed reference',
      ['--projection', `${fixture}#not-a-name`],
      'expected ./path/to/module.ts#ExportName',
    ],
    ['a missing module', ['--projection', join(dir, 'nope.ts#balances')], 'no file at'],
    [
      'a missing export (listing the module exports)',
      ['--projection', `${fixture}#balancesV9`],
      'has no export "balancesV9" (it exports: balancesV1, balancesV2, notAProjection)',
    ],
    [
      'an export that is not a projection definition',
      ['--projection', `${fixture}#notAProjection`],
      'expected a projection definition (the result of defineProjection',
    ],
  ];
  it.each(cases)('%s: exit 2', async (_name, args, message) => {
    const run = await chronicle(['rebuild', '--db', join(dir, 'absent.db'), ...args]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});

describe('a store without projections support: exit 1, saying what to do', () => {
  const file = join(dir, 'no-projections.db');
  beforeAll(async () => {
    const store = createSqliteEventStore({ filename: file });
    await seed(store, 2, 2);
    await store.close();
  });

  it('rebuild names the upgrade and the migration', async () => {
    const run = await chronicle(['rebuild', '--db', file, '--projection', `${fixture}#balancesV2`]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('rebuild needs a store with projections');
    expect(run.stderr).toContain('run `chronicle migrate`');
  });

  it('projections (and --json: one error object on stderr)', async () => {
    const run = await chronicle(['projections', '--db', file, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { name: 'NotSupportedError', message: expect.stringContaining('has no projections tables') },
    });
  });
});
