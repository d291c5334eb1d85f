import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// docs/lesson-map.md points learners at files, workshop steps and conformance tests by name; these
// checks keep those pointers true as the kit moves.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAP = readFileSync(join(ROOT, 'docs/lesson-map.md'), 'utf8');

const allFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });

describe('docs/lesson-map.md', () => {
  test('every repository path it names exists', () => {
    const paths = [...MAP.matchAll(/`((?:packages|exercises|solutions|docs)\/[^`\s]+)`/g)].map(
      (m) => m[1] ?? '',
    );
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  test('every workshop step it names is a step of an exercise', () => {
    const stepIds = new Set(
      ['bank-account', 'order', 'read-models'].flatMap((exercise) => {
        const manifest = JSON.parse(
          readFileSync(join(ROOT, 'exercises', exercise, 'workshop.json'), 'utf8'),
        ) as {
          steps: { id: string }[];
        };
        return manifest.steps.map((step) => step.id);
      }),
    );
    const named = [...MAP.matchAll(/`(\d\d-[a-z-]+)`/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((id) => !stepIds.has(id))).toEqual([]);
  });

  test('every conformance test it quotes exists under that name', () => {
    const suites = allFiles(join(ROOT, 'packages/conformance/src'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    // A quote names a conformance test when "suite" shortly precedes it, or when it follows such a
    // quote with only "and" or a comma in between.
    const quoted: string[] = [];
    let previousEnd = -1;
    for (const match of MAP.matchAll(/\*"([^"]+)"\*/g)) {
      const at = match.index ?? 0;
      const before = MAP.slice(Math.max(0, at - 60), at);
      const chained = previousEnd >= 0 && /^[\s,]*(?:and)?\s*$/.test(MAP.slice(previousEnd, at));
      if (/suite/.test(before) || chained) {
        quoted.push((match[1] ?? '').replace(/\s+/g, ' '));
        previousEnd = at + match[0].length;
      } else {
        previousEnd = -1;
      }
    }
    expect(quoted).toContain('upcasters apply on every read path');
    expect(quoted.length).toBeGreaterThanOrEqual(6);
    expect(quoted.filter((name) => !suites.includes(name))).toEqual([]);
  });
});
