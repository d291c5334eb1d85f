import { describe, expect, test } from 'vitest';
import { parseCliArgs } from '../src/cli/args';
import { createStyle, shouldColor } from '../src/cli/style';

describe('parseCliArgs', () => {
  test('no command lists; commands take an optional or required step', () => {
    expect(parseCliArgs([])).toEqual({ command: 'list', step: undefined, root: undefined, color: undefined });
    expect(parseCliArgs(['verify'])).toMatchObject({ command: 'verify', step: undefined });
    expect(parseCliArgs(['hint', 'order/02'])).toMatchObject({ command: 'hint', step: 'order/02' });
    expect(parseCliArgs(['ls'])).toMatchObject({ command: 'list' });
    expect(parseCliArgs(['solution', '3', '--root', '/x', '--no-color'])).toEqual({
      command: 'solution',
      step: '3',
      root: '/x',
      color: false,
    });
    expect(parseCliArgs(['watch', '-h'])).toMatchObject({ command: 'help' });
  });

  test.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['reset'], /reset needs a step/],
    [['solution'], /solution needs a step/],
    [['verify', 'a', 'b'], /Too many arguments/],
    [['list', 'a'], /Too many arguments/],
    [['--bogus'], /bogus/],
    [['--color', '--no-color'], /either --color or --no-color/],
  ])('%j is a USAGE error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(message) }),
    );
  });
});

describe('colour', () => {
  test('on for a terminal, off otherwise; flags win over NO_COLOR, which wins over FORCE_COLOR', () => {
    expect(shouldColor(true, {})).toBe(true);
    expect(shouldColor(false, {})).toBe(false);
    expect(shouldColor(undefined, {})).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldColor(false, { NO_COLOR: '1' }, true)).toBe(true);
    expect(shouldColor(true, {}, false)).toBe(false);
  });

  test('plain style adds no escape codes; colour style does', () => {
    expect(createStyle(false).red('x')).toBe('x');
    expect(createStyle(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});
