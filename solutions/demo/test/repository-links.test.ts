import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// Every document and comment in the repository points only at things the repository holds: relative
// links (and their #anchors) in every Markdown file, repository paths quoted in them, and the docs or
// Markdown files that TypeScript comments cite. A citation of a file that is not here (a design note
// kept elsewhere, a renamed guide) fails this test. It lives in the demo's tests because vitest's
// projects are the workspace packages; it reads the whole repository, not the demo.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Folders that hold no sources of ours: dependencies, build output, caches. */
const SKIPPED = new Set(['node_modules', 'dist', '.git', '.turbo', 'coverage', '.release-check']);

/** Documents cited by name that are deliberately not in the repository, and why. */
const EXTERNAL: Record<string, string> = {
  'event-store-lesson.md': 'the lesson learners bring; docs/lesson-map.md quotes it by line number',
  'CHANGELOG.md': 'written by changesets into each package when it is released',
};

/** Top-level folders whose paths, quoted in prose, must exist. */
const REPOSITORY_PATH = /^(?:packages|exercises|solutions|docs|scripts|\.changeset)\/[^\s]*$/;

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    if (SKIPPED.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

const FILES = walk(ROOT);
const MARKDOWN = FILES.filter((f) => f.endsWith('.md'));
const TYPESCRIPT = FILES.filter((f) => /\.(?:ts|mts|tsx)$/.test(f) && !f.endsWith('.d.ts'));
const BASENAMES = new Set(FILES.map((f) => f.slice(f.lastIndexOf('/') + 1)));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

const anchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(match[1] ?? '');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
};

/**
 * The text outside fenced code blocks (commands and examples there are not citations), with each
 * block blanked to its line breaks so line numbers still match the file.
 */
const withoutFences = (markdown: string): string =>
  markdown.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ''));

/** A quoted name that is a pattern or placeholder, not a path. */
const isPattern = (path: string): boolean => /[*<>{}$…|]|\.\.\.|\bN\b/.test(path);

const exists = (path: string): boolean => existsSync(path);

/** Where a cited document is, if anywhere: relative to the citing file, or to the repository root. */
const resolvesFrom = (fromFile: string, path: string): boolean => {
  const clean = path.replace(/[#:].*$/, '').replace(/[.,;)]+$/, '');
  if (clean === '') return true;
  if (exists(resolve(dirname(fromFile), clean)) || exists(resolve(ROOT, clean))) return true;
  const name = clean.slice(clean.lastIndexOf('/') + 1);
  if (!clean.includes('/') && BASENAMES.has(name)) return true;
  return name in EXTERNAL;
};

const where = (file: string, text: string, index: number): string =>
  `${relative(ROOT, file)}:${text.slice(0, index).split('\n').length}`;

describe('every citation in the repository resolves', () => {
  test('the walk sees the documents and sources', () => {
    expect(MARKDOWN.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['README.md', 'docs/contract.md', 'packages/conformance/README.md']),
    );
    expect(TYPESCRIPT.length).toBeGreaterThan(100);
  });

  test('relative links in every Markdown file point at files that exist, and at anchors they have', () => {
    const broken: string[] = [];
    for (const file of MARKDOWN) {
      const text = readFileSync(file, 'utf8');
      const prose = withoutFences(text);
      const links = [
        ...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
        ...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm),
      ];
      for (const match of links) {
        const target = match[1] ?? '';
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
        const [path = '', anchor] = target.split('#');
        const absolute = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
        const at = where(file, prose, match.index ?? 0);
        if (!exists(absolute)) {
          broken.push(`${at}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && anchor !== '' && absolute.endsWith('.md')) {
          const anchors = anchorsOf(readFileSync(absolute, 'utf8'));
          if (!anchors.has(decodeURIComponent(anchor))) broken.push(`${at}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test('repository paths and Markdown files quoted in every Markdown file exist', () => {
    const missing: string[] = [];
    for (const file of MARKDOWN) {
      const prose = withoutFences(readFileSync(file, 'utf8'));
      for (const match of prose.matchAll(/`([^`\n]+)`/g)) {
        const quoted = (match[1] ?? '').trim();
        if (isPattern(quoted) || /\s/.test(quoted)) continue;
        const cites = REPOSITORY_PATH.test(quoted) || /\.md(?:#[\w-]*)?$/.test(quoted);
        if (cites && !resolvesFrom(file, quoted))
          missing.push(`${where(file, prose, match.index ?? 0)}: ${quoted}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('repository paths and Markdown files cited in TypeScript comments exist', () => {
    const missing: string[] = [];
    for (const file of TYPESCRIPT) {
      const text = readFileSync(file, 'utf8');
      for (const comment of text.matchAll(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g)) {
        const body = comment[0];
        for (const match of body.matchAll(
          /(?:^|[\s`'"(])((?:\.{1,2}\/)*(?:(?:packages|exercises|solutions|docs|scripts)\/[\w./-]+|[\w./-]+\.md))\b/g,
        )) {
          const cited = (match[1] ?? '').replace(/[.,;:]+$/, '');
          if (isPattern(cited)) continue;
          if (!resolvesFrom(file, cited)) {
            missing.push(`${where(file, text, (comment.index ?? 0) + (match.index ?? 0))}: ${cited}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
