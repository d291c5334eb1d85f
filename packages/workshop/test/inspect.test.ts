import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli as chronicle } from '@chronicle/cli';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../src/cli/run-cli';
import { captureIO, createFixture, type Fixture } from './support/fixture';

let fixture: Fixture;
beforeEach(() => {
  fixture = createFixture({ git: false });
});
afterEach(() => fixture.remove());

/** Creates an empty, migrated Chronicle store with the `chronicle` command itself. */
async function migrated(file: string): Promise<void> {
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  expect(await chronicle(['migrate', '--db', file], { out: sink, err: sink, env: {} })).toBe(0);
}

describe('inspect', () => {
  test("serves the inspector on the workshop's database until stopped, read-only on loopback", async () => {
    mkdirSync(join(fixture.root, '.chronicle'), { recursive: true });
    const file = join(fixture.root, '.chronicle', 'workshop.db');
    await migrated(file);
    const capture = captureIO(join(fixture.root, 'exercises/maths'));
    const stop = new AbortController();
    const running = runCli(['inspect'], capture.io, stop.signal);
    let url = '';
    for (let i = 0; i < 200 && url === ''; i++) {
      url = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(capture.stdout())?.[1] ?? '';
      if (url === '') await new Promise((r) => setTimeout(r, 50));
    }
    expect(capture.stdout(), capture.stderr()).toContain(`Inspecting ${file}`);
    const overview = (await (await fetch(`${url}api/overview`)).json()) as Record<string, unknown>;
    expect(overview).toMatchObject({ adapter: 'sqlite', location: file, allowWrites: false, head: null });
    stop.abort();
    expect(await running).toBe(0);
  });

  test('without a database: exit 1, naming where it looked and how to make one', async () => {
    const capture = captureIO(fixture.root);
    expect(await runCli(['inspect'], capture.io)).toBe(1);
    expect(capture.stderr()).toContain(`looked for ${join(fixture.root, '.chronicle', 'workshop.db')}`);
    expect(capture.stderr()).toContain('pnpm demo');
  });

  test('--db is the only way to name another file; --port with another command is a usage error', async () => {
    const capture = captureIO(fixture.root);
    expect(await runCli(['inspect', '--db', 'nope.db'], capture.io)).toBe(1);
    expect(capture.stderr()).toContain(`looked for ${join(fixture.root, 'nope.db')}`);
    expect(await runCli(['list', '--port', '3'], captureIO(fixture.root).io)).toBe(2);
  });
});
