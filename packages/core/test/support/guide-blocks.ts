import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Trimmed, non-blank lines without imports: what "appears line for line" compares. */
const normalise = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('import ') && !line.startsWith('} from '));

/**
 * Expects every TypeScript block of a guide to appear in the test file, line for line (imports
 * aside), so a guide's examples cannot drift from the API the test runs.
 *
 * @param guide - the Markdown file's URL (e.g. docs/deciders.md, resolved from the test's `import.meta.url`)
 * @param testFile - the test that runs the examples: its `import.meta.url` — or several, when a
 *   guide's examples are compiled in several packages (each block must appear in one of them)
 * @param minimum - how many blocks the guide has at least (a guard against a broken pattern)
 */
export function expectGuideBlocksIn(guide: URL, testFile: URL | readonly URL[], minimum: number): void {
  const files = Array.isArray(testFile) ? testFile : [testFile as URL];
  const here = files.map((file) => normalise(readFileSync(file, 'utf8')).join('\n')).join('\n');
  const blocks = [...readFileSync(guide, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
    normalise(m[1] ?? '').join('\n'),
  );
  expect(blocks.length).toBeGreaterThanOrEqual(minimum);
  for (const block of blocks) expect(here, block).toContain(block);
}
