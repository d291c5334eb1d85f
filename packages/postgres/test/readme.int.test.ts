import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describePostgres, target } from './support/postgres';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describePostgres('postgres README', () => {
  it('the quick start runs as written, in a database of its own', async () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const code = /```ts\n(\/\/ quick-start\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    // Same code, with the package names pointing at this workspace's sources.
    const runnable = code!
      .replace("'@chronicle/postgres'", JSON.stringify(join(packageRoot, 'src/index.ts')))
      .replace("'@chronicle/core'", JSON.stringify(fileURLToPath(import.meta.resolve('@chronicle/core'))));
    const file = join(tmpdir(), `chronicle-quick-start-${randomBytes(4).toString('hex')}.mjs`);
    writeFileSync(file, runnable);
    // The quick start uses the default schema; a throwaway database keeps it away from everything else.
    const database = `chronicle_readme_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: target.url! });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    try {
      const url = new URL(target.url!);
      url.pathname = `/${database}`;
      const {
        code: exit,
        stdout,
        stderr,
      } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', file], {
          cwd: packageRoot,
          env: { ...process.env, DATABASE_URL: url.toString() },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        child.stderr.on('data', (chunk) => {
          err += chunk;
        });
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
      });
      expect({ exit, stderr }).toEqual({ exit: 0, stderr: '' });
      expect(stdout).toMatch(/stale: the stream is at version 2/);
      expect(stdout).toMatch(/3 MoneyWithdrawn \{ amount: 30 \}/);
    } finally {
      rmSync(file, { force: true });
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
