import { expect, it } from 'vitest';
import { chronicle, json } from './run-cli';

/** One seeded store (3 Account streams of 4 events, one Ledger stream, a snapshot) for the shared tests. */
export interface SeededStore {
  /** The arguments that point the command at it: `--db …` (and `--schema …`). */
  readonly args: readonly string[];
}

interface StreamsPage {
  streams: { aggregateType: string; aggregateId: string; version: number; lastPosition: string }[];
  next: string | null;
}
interface EventsPage {
  events: {
    position: string;
    eventType: string;
    aggregateId: string;
    version: number;
    data: unknown;
    metadata: unknown;
  }[];
  next: string | null;
}

/**
 * The read commands' behaviour, the same on every adapter (differences are parameters, not forks):
 * each adapter's test file calls this inside its describe with a seeded store.
 */
export function storeCommandTests(store: () => SeededStore): void {
  it('status counts events and streams and reports the head and schema version', async () => {
    const run = await chronicle(['status', '--json', ...store().args]);
    expect(run.code, run.stderr).toBe(0);
    const status = json(run);
    expect(status).toMatchObject({ events: 13, streams: 4, schemaVersion: expect.any(Number) });
    expect(BigInt(status.headPosition as string)).toBeGreaterThan(0n);
    expect(status.sizeBytes).toBeGreaterThan(0);
  });

  it('streams pages in (type, id) order with a cursor, and filters by type', async () => {
    const first = json<StreamsPage>(await chronicle(['streams', '--limit', '2', '--json', ...store().args]));
    expect(first.streams.map((s) => `${s.aggregateType}/${s.aggregateId}`)).toEqual([
      'Account/acc-0',
      'Account/acc-1',
    ]);
    expect(first.streams[0]!.version).toBe(4);
    expect(first.next).toBe('Account/acc-1');
    const second = json<StreamsPage>(
      await chronicle(['streams', '--limit', '2', '--after', first.next!, '--json', ...store().args]),
    );
    expect(second.streams.map((s) => s.aggregateId)).toEqual(['acc-2', 'main']);
    expect(second.next).toBeNull();
    const ledgers = json<StreamsPage>(
      await chronicle(['streams', '--type', 'Ledger', '--json', ...store().args]),
    );
    expect(ledgers.streams).toEqual([
      expect.objectContaining({ aggregateType: 'Ledger', aggregateId: 'main', version: 1 }),
    ]);
  });

  it('streams without --json prints a table on stdout and the next-page hint on stderr', async () => {
    const run = await chronicle(['streams', '--limit', '1', ...store().args]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/STREAM\s+VERSION\s+LAST POSITION\nAccount\/acc-0\s+4\s+\d+\n$/);
    expect(run.stderr).toContain("more: chronicle streams --after 'Account/acc-0'");
    expect(run.stdout).not.toContain('\x1b['); // not a terminal: no colour codes
  });

  it("stream prints a stream's events in version order, and --at stops at a version", async () => {
    const all = json<EventsPage & { version: number }>(
      await chronicle(['stream', 'Account/acc-1', '--json', ...store().args]),
    );
    expect(all.version).toBe(4);
    expect(all.events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(all.events[0]).toMatchObject({
      eventType: 'AccountOpened',
      data: { owner: 'owner-1' },
      metadata: { by: 'seed' },
    });
    const at = json<EventsPage & { version: number }>(
      await chronicle(['stream', 'Account/acc-1', '--at', '2', '--json', ...store().args]),
    );
    expect(at.version).toBe(2);
    expect(at.events.map((e) => e.eventType)).toEqual(['AccountOpened', 'MoneyDeposited']);
    const text = await chronicle(['stream', 'Account/acc-1', '--at', '2', ...store().args]);
    expect(text.stdout).toMatch(/^Account\/acc-1 at version 2\n#\d+ {2}Account\/acc-1@1 {2}AccountOpened/);
  });

  it('stream fails with exit 1 for a stream with no events or an --at beyond its version', async () => {
    const missing = await chronicle(['stream', 'Account/nobody', ...store().args]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('stream Account/nobody has no events');
    const beyond = await chronicle(['stream', 'Ledger/main', '--at', '5', ...store().args]);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toContain('is at version 1, below --at 5');
  });

  it('events pages the log in position order from --from, and filters by event type', async () => {
    const first = json<EventsPage>(await chronicle(['events', '--limit', '5', '--json', ...store().args]));
    expect(first.events).toHaveLength(5);
    const positions = first.events.map((e) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(first.events.slice(0, 3).map((e) => e.eventType)).toEqual([
      'AccountOpened',
      'AccountOpened',
      'AccountOpened',
    ]);
    const rest = json<EventsPage>(
      await chronicle(['events', '--from', first.next!, '--json', ...store().args]),
    );
    expect(rest.events).toHaveLength(8);
    expect(BigInt(rest.events[0]!.position)).toBeGreaterThan(positions[4]!);
    expect(rest.next).toBeNull();
    const opened = json<EventsPage>(
      await chronicle(['events', '--type', 'LedgerOpened', '--json', ...store().args]),
    );
    expect(opened.events.map((e) => e.aggregateId)).toEqual(['main']);
  });

  it('verify passes a healthy store with exit 0', async () => {
    const run = await chronicle(['verify', '--json', ...store().args]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(json(run)).toEqual({ ok: true, eventsChecked: 13, findings: [] });
    const text = await chronicle(['verify', ...store().args]);
    expect(text.stdout).toBe('ok: 13 events checked, no findings\n');
    expect(text.stderr).toBe(''); // the progress bar is drawn only on a terminal
  });

  it('--json errors are one JSON object on stderr, with the error code', async () => {
    const run = await chronicle(['stream', 'Account/nobody', '--json', ...store().args]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({
      error: { name: 'StreamNotFoundError', message: 'stream Account/nobody has no events' },
    });
  });
}
