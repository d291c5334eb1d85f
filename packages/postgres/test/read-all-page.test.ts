import { describe, expect, it } from 'vitest';
import { decodeEvent, type EventTuple } from '../src/sql/event-columns';
import type { EventQueryRunner } from '../src/sql/query-runner';
import { createLogReader } from '../src/sql/read-all';

/** An event row as the page statement returns it: the event's columns, then three nulls. */
function eventRow(position: number): readonly (string | null | undefined)[] {
  const event: EventTuple = [
    String(position),
    `id-${position}`,
    '1',
    'Deposited',
    '1',
    '{"amount":1}',
    null,
    '1700000000000',
    null,
    null,
    null,
    'Account',
    `acc-${position}`,
  ];
  return [...event, null, null, null];
}

/** The page statement's bounds row: no event, then the horizon, the head and the settled position. */
const boundsRow = (horizon: string, head: string | null, settled: string | null) => [
  ...Array(13).fill(null),
  horizon,
  head,
  settled,
];

/** A log reader whose only page is `rows`, as the server sent them. */
function readerOver(rows: readonly (readonly (string | null | undefined)[])[]) {
  const db: EventQueryRunner = {
    rows: () => Promise.reject(new Error('not used')),
    tuples: <Row extends readonly unknown[]>() => Promise.resolve(rows as unknown as Row[]),
  };
  return createLogReader('"s"', { db, decode: (row) => decodeEvent(row) }, 0);
}

describe('a read-all page, without a server', () => {
  it('takes the horizon from the bounds row, and only the rows after it as events', async () => {
    const page = await readerOver([boundsRow('10', '12', '9'), eventRow(3), eventRow(5)]).page({
      after: 0n,
      limit: 2,
    });
    expect(page.events.map((event) => event.position)).toEqual([3n, 5n]);
    expect(page.events[0]).toMatchObject({ aggregateType: 'Account', aggregateId: 'acc-3', version: 1 });
    expect(page).toMatchObject({ full: true, through: 5n, horizon: 10n, head: 12n, settled: 9n });
  });

  // UNION ALL promises no order: the bounds row is found wherever it comes, and never read as an event.
  it('finds the bounds row wherever the server put it', async () => {
    for (const rows of [
      [eventRow(3), eventRow(5), boundsRow('10', null, '9')],
      [eventRow(3), boundsRow('10', null, '9'), eventRow(5)],
    ]) {
      const page = await readerOver(rows).page({ after: 0n, limit: 3 });
      expect(page.events.map((event) => event.position)).toEqual([3n, 5n]);
      expect(page).toMatchObject({ full: false, through: 9n, horizon: 10n, head: 0n, settled: 9n });
    }
  });

  it('reads a page with no event as empty, bounded by the horizon', async () => {
    const page = await readerOver([boundsRow('7', null, null)]).page({ after: 2n, limit: 5 });
    expect(page).toMatchObject({ events: [], full: false, through: 6n, horizon: 7n, head: 0n, settled: 0n });
  });
});
