import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  EMPTY_PROGRESS,
  isPassed,
  markNotPassed,
  markPassed,
  setHintsShown,
  stepProgress,
} from '../src/progress/progress';
import { progressPath, readProgress, writeProgress } from '../src/progress/progress-file';
import { createFixture, type Fixture } from './support/fixture';

describe('progress values', () => {
  test('a step nobody touched is not passed and has no hints seen', () => {
    expect(stepProgress(EMPTY_PROGRESS, 'maths/01-add')).toEqual({ hintsShown: 0 });
    expect(isPassed(EMPTY_PROGRESS, 'maths/01-add')).toBe(false);
    // Keys are data: an inherited property name must not pass for a step.
    expect(isPassed(EMPTY_PROGRESS, 'constructor')).toBe(false);
  });

  test('markPassed records the first pass time and keeps it when the step passes again', () => {
    const first = markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date('2026-01-01T10:00:00Z'));
    expect(stepProgress(first, 'maths/01-add').passedAt).toBe('2026-01-01T10:00:00.000Z');
    const again = markPassed(first, 'maths/01-add', new Date('2026-01-02T10:00:00Z'));
    expect(again).toBe(first);
    expect(EMPTY_PROGRESS.steps).toEqual({});
  });

  test('markNotPassed clears the pass but keeps the hints seen', () => {
    let progress = setHintsShown(EMPTY_PROGRESS, 'maths/01-add', 2);
    progress = markPassed(progress, 'maths/01-add', new Date());
    const after = markNotPassed(progress, 'maths/01-add');
    expect(stepProgress(after, 'maths/01-add')).toEqual({ hintsShown: 2 });
    expect(markNotPassed(after, 'maths/01-add')).toBe(after);
  });
});

describe('progress file', () => {
  let fixture: Fixture;
  afterEach(() => fixture.remove());

  test('a missing file means nothing done; what is written reads back equal', () => {
    fixture = createFixture({ git: false });
    expect(readProgress(fixture.root)).toEqual(EMPTY_PROGRESS);
    const progress = setHintsShown(markPassed(EMPTY_PROGRESS, 'maths/01-add', new Date()), 'extra/01-add', 1);
    writeProgress(fixture.root, progress);
    expect(progressPath(fixture.root)).toBe(join(fixture.root, '.chronicle/workshop-progress.json'));
    expect(readProgress(fixture.root)).toEqual(progress);
    // Written via a temporary file and a rename: none is left behind.
    expect(readdirSync(dirname(progressPath(fixture.root)))).toEqual(['workshop-progress.json']);
    expect(JSON.parse(readFileSync(progressPath(fixture.root), 'utf8'))).toMatchObject({ version: 1 });
  });

  test.each([
    ['not JSON', '{"version": 1,', /not valid JSON/],
    ['another format version', '{"version": 2, "steps": {}}', /expected \{"version": 1/],
    [
      'a malformed step entry',
      '{"version": 1, "steps": {"maths/01-add": {"hintsShown": -1}}}',
      /"maths\/01-add" is malformed/,
    ],
    [
      'a bad date',
      '{"version": 1, "steps": {"a/b": {"hintsShown": 0, "passedAt": "yesterday"}}}',
      /"a\/b" is malformed/,
    ],
  ])('a file with %s is reported with its path and how to start over', (_what, text, why) => {
    fixture = createFixture({ git: false });
    mkdirSync(dirname(progressPath(fixture.root)), { recursive: true });
    writeFileSync(progressPath(fixture.root), text);
    let message = '';
    try {
      readProgress(fixture.root);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_PROGRESS' });
      message = (error as Error).message;
    }
    expect(message).toMatch(why);
    expect(message).toContain(progressPath(fixture.root));
    expect(message).toContain('Delete it to start');
    expect(existsSync(progressPath(fixture.root))).toBe(true);
  });
});
