import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformanceTestNames } from '../src';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const guide = read('../../../docs/adapter-authoring.md');

/** The body of every ```ts block of the guide. */
const tsBlocks = [...guide.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]);

// The guide's worked example is compiled and run as a test; these checks keep the guide quoting it.
describe('docs/adapter-authoring.md', () => {
  it('quotes the example adapter verbatim', () => {
    expect(tsBlocks).toContain(read('./example/jsonl-event-store.ts').trimEnd());
  });

  it('holds the example once, with no leftover of an older copy', () => {
    expect(guide.split('export function createJsonlEventStore(').length - 1).toBe(1);
    expect(guide.split('export function countRowsInFile(').length - 1).toBe(1);
  });

  it('quotes the example test file verbatim', () => {
    expect(tsBlocks).toContain(read('./example-adapter.test.ts').trimEnd());
  });

  it('lists every conformance test name, which is its disable key', () => {
    const listed = [...guide.matchAll(/^- `([a-z-]+\/[^`]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual([...conformanceTestNames]);
  });
});

// docs/contract.md lists, under each numbered rule, the tests that prove it: every key it quotes is a
// real test, and every test proves at least one rule there.
describe('docs/contract.md', () => {
  const contract = read('../../../docs/contract.md');
  const cited = new Set([...contract.matchAll(/^- `([a-z-]+\/[^`]+)`/gm)].map((m) => m[1]));

  it('quotes only tests that exist', () => {
    expect([...cited].filter((key) => !conformanceTestNames.includes(key as string))).toEqual([]);
  });

  it('cites every conformance test under a rule', () => {
    expect(conformanceTestNames.filter((key) => !cited.has(key))).toEqual([]);
  });

  it('numbers its rules 1 to 11 in order, so citations by number stay valid', () => {
    const numbers = [...contract.matchAll(/^### Rule (\d+):/gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });
});
