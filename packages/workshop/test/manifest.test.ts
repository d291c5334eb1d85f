import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { findWorkshopRoot, loadWorkshop } from '../src/manifest/load-workshop';
import { validateManifest } from '../src/manifest/validate-manifest';
import { createFixture, type Fixture } from './support/fixture';

const validStep = {
  id: '01-schema',
  title: 'An events table',
  files: ['src/01-schema.ts'],
  test: 'test/01-schema.test.ts',
  readme: 'steps/01-schema.md',
  hints: ['nudge', 'near-answer'],
};

const problemsOf = (raw: unknown): string => {
  try {
    validateManifest(raw, 'exercises/x/workshop.json');
  } catch (error) {
    expect(error).toMatchObject({ name: 'WorkshopError', code: 'INVALID_MANIFEST' });
    return (error as Error).message;
  }
  throw new Error('expected the manifest to be rejected');
};

describe('validateManifest', () => {
  test('returns a valid manifest as it is', () => {
    const raw = { title: 'Bank account', order: 1, steps: [validStep] };
    expect(validateManifest(raw, 'm')).toEqual(raw);
  });

  test('accepts a step without hints (an empty array)', () => {
    expect(
      validateManifest({ title: 'T', order: 1, steps: [{ ...validStep, hints: [] }] }, 'm').steps[0]?.hints,
    ).toEqual([]);
  });

  test('reports every problem at once, each with its JSON path and the manifest named', () => {
    const message = problemsOf({
      title: '',
      order: 'first',
      steps: [
        { ...validStep, id: 'Bad Id', files: [], hints: 'one' },
        { ...validStep, test: 42 },
      ],
    });
    expect(message).toContain('exercises/x/workshop.json');
    expect(message).toContain('title: must be a non-empty string');
    expect(message).toContain('order: must be a number');
    expect(message).toContain('steps[0].id: must be kebab-case');
    expect(message).toContain('steps[0].files: must be a non-empty array');
    expect(message).toContain('steps[0].hints: must be an array');
    expect(message).toContain('steps[1].test: must be a non-empty string');
  });

  test('rejects paths that leave the exercise folder', () => {
    const message = problemsOf({
      title: 'T',
      order: 1,
      steps: [{ ...validStep, files: ['../../etc/passwd'], readme: '/abs/readme.md' }],
    });
    expect(message).toContain('steps[0].files[0]: must be a relative path inside the exercise folder');
    expect(message).toContain('steps[0].readme: must be a relative path inside the exercise folder');
  });

  test('rejects a step id used twice, no steps, and a non-object', () => {
    expect(problemsOf({ title: 'T', order: 1, steps: [validStep, validStep] })).toContain(
      'steps[1].id: "01-schema" is used by an earlier step',
    );
    expect(problemsOf({ title: 'T', order: 1, steps: [] })).toContain('steps: must be a non-empty array');
    expect(problemsOf([1, 2])).toContain('must be a JSON object');
  });
});

describe('loadWorkshop', () => {
  let fixture: Fixture;
  afterEach(() => fixture.remove());

  test('lays out exercises by order and steps as listed, keyed exercise/step', () => {
    fixture = createFixture({ git: false });
    const workshop = loadWorkshop(fixture.root);
    expect(workshop.exercises.map((e) => e.name)).toEqual(['maths', 'extra']);
    expect(workshop.steps.map((s) => [s.key, s.index])).toEqual([
      ['maths/01-add', 0],
      ['maths/02-double', 1],
      ['extra/01-add', 2],
    ]);
    expect(workshop.steps[0]?.exercise.dir).toBe(join(fixture.root, 'exercises/maths'));
    expect(workshop.steps[0]?.exercise.solutionDir).toBe(join(fixture.root, 'solutions/maths'));
  });

  test('ties in order are broken by folder name, and folders without a manifest are skipped', () => {
    fixture = createFixture({ git: false });
    fixture.write(
      'exercises/extra/workshop.json',
      JSON.stringify({
        title: 'Extra',
        order: 1,
        steps: [
          {
            ...validStep,
            id: '01-add',
            files: ['src/add.ts'],
            test: 'test/add.test.ts',
            readme: 'steps/01-add.md',
          },
        ],
      }),
    );
    mkdirSync(join(fixture.root, 'exercises/not-an-exercise'));
    expect(loadWorkshop(fixture.root).exercises.map((e) => e.name)).toEqual(['extra', 'maths']);
  });

  test('names the files a manifest lists that are not there', () => {
    fixture = createFixture({ git: false });
    fixture.write(
      'exercises/extra/workshop.json',
      JSON.stringify({ title: 'Extra', order: 2, steps: [validStep] }),
    );
    expect(() => loadWorkshop(fixture.root)).toThrow(
      /file src\/01-schema\.ts does not exist[\s\S]*test test\/01-schema/,
    );
  });

  test('reports a manifest that is not JSON, naming it', () => {
    fixture = createFixture({ git: false });
    fixture.write('exercises/extra/workshop.json', '{ "title": ');
    expect(() => loadWorkshop(fixture.root)).toThrow(/exercises\/extra\/workshop\.json is not valid JSON/);
  });

  test('findWorkshopRoot walks up to the folder holding exercises/, and says so when there is none', () => {
    fixture = createFixture({ git: false });
    expect(findWorkshopRoot(join(fixture.root, 'exercises/maths/src'))).toBe(fixture.root);
    expect(findWorkshopRoot(join(fixture.root, 'exercises'))).toBe(fixture.root);
    expect(() => findWorkshopRoot('/')).toThrow(/No exercises\/ folder found/);
  });
});
