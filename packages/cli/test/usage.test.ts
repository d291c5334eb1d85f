import { describe, expect, it } from 'vitest';
import { chronicle } from './run-cli';

describe('chronicle usage errors exit 2 with the reason on stderr, and write nothing to stdout', () => {
  const cases: [string, string[], string][] = [
    ['no store given', ['status'], 'no store given: pass --db <path-or-url> or set CHRONICLE_DB'],
    ['an unknown scheme', ['status', '--db', 'mysql://db/app'], 'unknown scheme "mysql:"'],
    ['a malformed PostgreSQL URL', ['status', '--db', 'postgres://[::1'], 'not a valid PostgreSQL URL'],
    ['a PostgreSQL URL without a host', ['status', '--db', 'postgres:///db'], 'names no host'],
    [
      'a schema that is not an identifier',
      ['status', '--db', 'postgres://h/db', '--schema', 'a;drop'],
      'is not a plain identifier',
    ],
    [
      '--schema with SQLite',
      ['status', '--db', 'app.db', '--schema', 's'],
      '--schema applies to PostgreSQL only',
    ],
    [
      '--read-replica with SQLite',
      ['events', '--db', 'app.db', '--read-replica', 'postgres://standby/db'],
      '--read-replica applies to PostgreSQL only',
    ],
    [
      'a --read-replica that is not a PostgreSQL URL',
      ['events', '--db', 'postgres://h/db', '--read-replica', 'standby:5432'],
      '--read-replica: not a PostgreSQL URL',
    ],
    [
      'a non-numeric --limit',
      ['streams', '--db', 'app.db', '--limit', 'ten'],
      '--limit must be a positive integer',
    ],
    ['a zero --limit', ['events', '--db', 'app.db', '--limit', '0'], '--limit must be a positive integer'],
    ['a negative --from', ['events', '--db', 'app.db', '--from', '-1'], '--from'],
    ['a stream without an id', ['stream', 'Account', '--db', 'app.db'], 'expected <type>/<id>'],
    [
      'an --after that is not a stream',
      ['streams', '--db', 'app.db', '--after', 'x'],
      'expected <type>/<id>',
    ],
    ['an unknown command', ['stats'], "unknown command 'stats'"],
    [
      'an unknown processor action',
      ['processor', 'p', 'rewind', '--db', 'app.db'],
      "'rewind' is invalid for argument 'action'. Allowed choices are show, parked, reset, replay",
    ],
    [
      'a reset target that is not a position',
      ['processor', 'p', 'reset', '--to', 'x', '--db', 'app.db'],
      '--to must be a position',
    ],
    [
      '--to without reset',
      ['processor', 'p', 'parked', '--to', '3', '--db', 'app.db'],
      '--to goes with reset',
    ],
    ['an unknown option', ['status', '--verbose'], "unknown option '--verbose'"],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const run = await chronicle(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('--help lists every command and exits 0', async () => {
    const run = await chronicle(['--help']);
    expect(run.code).toBe(0);
    for (const command of [
      'migrate',
      'status',
      'streams',
      'stream',
      'events',
      'processors',
      'processor',
      'verify',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });
});
