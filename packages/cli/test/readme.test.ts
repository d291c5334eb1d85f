import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chronicle } from './run-cli';

// The README's quick start, run as written (minus the install line) in an empty directory: a user
// pasting it must see every command succeed.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const quickStart = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
const lines = (quickStart?.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '')
  .split('\n')
  .filter((line) => line.startsWith('chronicle '));
const dir = mkdtempSync(join(tmpdir(), 'chronicle-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the README quick start', () => {
  it('has commands to run', () => {
    expect(lines.length).toBeGreaterThanOrEqual(4);
  });
  it.each(lines)('%s', async (line) => {
    const args = line
      .split(/\s+/)
      .slice(1)
      .map((arg) => arg.replace(/^\.\/app\.db$/, join(dir, 'app.db')));
    const run = await chronicle(args);
    expect(run.code, run.stderr).toBe(0);
  });
});
