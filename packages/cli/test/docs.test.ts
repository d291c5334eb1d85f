import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index';

// docs/cli.md's TypeScript example, run as written (on a fresh store instead of ./app.db): the
// embedding API it shows must exist and work.
const guide = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
const examples = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'chronicle-cli-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/cli.md examples', () => {
  it('has the embedding example, and it starts and closes an inspector', async () => {
    expect(examples).toHaveLength(1);
    const db = join(dir, 'app.db');
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    expect(await runCli(['migrate', '--db', db], { out: sink, err: sink, env: {} })).toBe(0);
    const module = join(import.meta.dirname, `.docs-example-${process.pid}.ts`);
    const logged: string[] = [];
    const log = console.log;
    console.log = (line: string) => logged.push(line);
    writeFileSync(
      module,
      examples[0]!.replace("'@chronicle/cli'", "'../src/index'").replace("'./app.db'", JSON.stringify(db)),
    );
    try {
      await import(module);
    } finally {
      console.log = log;
      rmSync(module, { force: true });
    }
    expect(logged).toEqual([expect.stringMatching(/^open http:\/\/127\.0\.0\.1:\d+\/$/)]);
  });
});
