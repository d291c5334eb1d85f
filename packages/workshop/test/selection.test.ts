import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadWorkshop } from '../src/manifest/load-workshop';
import type { Step, Workshop } from '../src/manifest/manifest-types';
import { EMPTY_PROGRESS, markPassed, setHintsShown, type WorkshopProgress } from '../src/progress/progress';
import { revealNextHint } from '../src/selection/hints';
import { unlockSolution } from '../src/selection/solution-gate';
import { currentStep, findStep, nextStepAfter } from '../src/selection/step-selection';
import { createFixture, type Fixture } from './support/fixture';

let fixture: Fixture;
let workshop: Workshop;
beforeAll(() => {
  fixture = createFixture({ git: false });
  workshop = loadWorkshop(fixture.root);
});
afterAll(() => fixture.remove());

const step = (key: string): Step => {
  const found = workshop.steps.find((s) => s.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
};
const passed = (...keys: string[]): WorkshopProgress =>
  keys.reduce((p, key) => markPassed(p, key, new Date('2026-01-01T00:00:00Z')), EMPTY_PROGRESS);

describe('current and next step', () => {
  test('the current step is the first that has not passed, across exercises', () => {
    expect(currentStep(workshop, EMPTY_PROGRESS)?.key).toBe('maths/01-add');
    expect(currentStep(workshop, passed('maths/01-add'))?.key).toBe('maths/02-double');
    expect(currentStep(workshop, passed('maths/01-add', 'maths/02-double'))?.key).toBe('extra/01-add');
    expect(currentStep(workshop, passed('maths/01-add', 'maths/02-double', 'extra/01-add'))).toBeUndefined();
  });

  test('a skipped earlier step stays current', () => {
    expect(currentStep(workshop, passed('maths/02-double'))?.key).toBe('maths/01-add');
  });

  test('next after a step is the next unpassed one after it, else an earlier unpassed one, else none', () => {
    expect(nextStepAfter(workshop, passed('maths/01-add'), step('maths/01-add'))?.key).toBe(
      'maths/02-double',
    );
    expect(
      nextStepAfter(workshop, passed('maths/01-add', 'maths/02-double'), step('maths/01-add'))?.key,
    ).toBe('extra/01-add');
    // Worked on the last step first: go back to what was skipped.
    expect(nextStepAfter(workshop, passed('extra/01-add', 'maths/01-add'), step('extra/01-add'))?.key).toBe(
      'maths/02-double',
    );
    const all = passed('maths/01-add', 'maths/02-double', 'extra/01-add');
    expect(nextStepAfter(workshop, all, step('maths/02-double'))).toBeUndefined();
  });
});

describe('findStep', () => {
  test('accepts the full key, a unique id, the list number and an unambiguous beginning', () => {
    expect(findStep(workshop, 'extra/01-add').key).toBe('extra/01-add');
    expect(findStep(workshop, '02-double').key).toBe('maths/02-double');
    expect(findStep(workshop, '3').key).toBe('extra/01-add');
    expect(findStep(workshop, 'maths/02').key).toBe('maths/02-double');
    expect(findStep(workshop, ' extra ').key).toBe('extra/01-add');
  });

  test('an id two exercises share must be qualified; the candidates are listed', () => {
    expect(() => findStep(workshop, '01-add')).toThrow(
      expect.objectContaining({
        code: 'AMBIGUOUS_STEP',
        message: expect.stringMatching(/maths\/01-add[\s\S]*extra\/01-add/),
      }),
    );
    expect(() => findStep(workshop, 'maths')).toThrow(expect.objectContaining({ code: 'AMBIGUOUS_STEP' }));
  });

  test('an unknown name, number 0 or out of range is an UNKNOWN_STEP error that says how to list steps', () => {
    for (const ref of ['nope', '0', '4', '']) {
      expect(() => findStep(workshop, ref)).toThrow(
        expect.objectContaining({ code: 'UNKNOWN_STEP', message: expect.stringContaining('`list`') }),
      );
    }
  });
});

describe('hints', () => {
  test('each call reveals one more hint, in order, and stops at the last', () => {
    const add = step('maths/01-add');
    const first = revealNextHint(add, EMPTY_PROGRESS);
    expect(first).toMatchObject({
      revealed: 'Think of the + operator.',
      seen: ['Think of the + operator.'],
      total: 2,
    });
    const second = revealNextHint(add, first.progress);
    expect(second).toMatchObject({
      revealed: 'return a + b',
      seen: ['Think of the + operator.', 'return a + b'],
    });
    const third = revealNextHint(add, second.progress);
    expect(third.revealed).toBeUndefined();
    expect(third.seen).toHaveLength(2);
    expect(third.progress).toBe(second.progress);
  });

  test('hints are counted per step', () => {
    const { progress } = revealNextHint(step('maths/01-add'), EMPTY_PROGRESS);
    expect(revealNextHint(step('extra/01-add'), progress).revealed).toBe('Same as before.');
  });

  test('a count beyond the manifest (hints removed since) reveals nothing and does not crash', () => {
    const progress = setHintsShown(EMPTY_PROGRESS, 'maths/01-add', 9);
    expect(revealNextHint(step('maths/01-add'), progress)).toMatchObject({ revealed: undefined, total: 2 });
    expect(revealNextHint(step('maths/02-double'), EMPTY_PROGRESS)).toMatchObject({
      revealed: undefined,
      total: 0,
    });
  });
});

describe('solution gate', () => {
  test('locked until the step passes, with the commands that get there', () => {
    expect(() => unlockSolution(step('maths/01-add'), passed('maths/02-double'))).toThrow(
      expect.objectContaining({
        code: 'SOLUTION_LOCKED',
        message: expect.stringMatching(/verify maths\/01-add[\s\S]*hint maths\/01-add/),
      }),
    );
  });

  test('once passed, gives the solution at the same relative path under solutions/', () => {
    const [file] = unlockSolution(step('maths/01-add'), passed('maths/01-add'));
    expect(file).toEqual({
      file: 'src/add.ts',
      exercisePath: `${fixture.root}/exercises/maths/src/add.ts`,
      solutionPath: `${fixture.root}/solutions/maths/src/add.ts`,
    });
  });

  test('a missing solution file is reported', () => {
    expect(() => unlockSolution(step('extra/01-add'), passed('extra/01-add'))).toThrow(
      expect.objectContaining({
        code: 'SOLUTION_MISSING',
        message: expect.stringContaining('solutions/extra/src/add.ts'),
      }),
    );
  });
});
