import type { DomainEvent, ReadAllOptions, ReadWriteEventStore, StreamRef } from '@chronicle/core';
import { expect } from 'vitest';
import { collect, newEvent } from '../support/fixtures';
import { defineSuite } from '../test-definition';

/**
 * Identifiers that a database collation easily takes for one another, and the contract says are all
 * different: case (`acc-1`/`ACC-1`), accents and Unicode normalisation (`cafe`, `café` composed as
 * NFC U+00E9, `café` decomposed as NFD e + U+0301) and trailing spaces (`x`/`x `, which a PAD SPACE
 * collation such as MariaDB's `utf8mb4_bin` compares equal).
 */
export const LOOKALIKES: readonly string[] = ['acc-1', 'ACC-1', 'cafe', 'caf\u00e9', 'cafe\u0301', 'x', 'x '];

/** How a lookalike shows in a failure message: quoted, and spelled out when the eye cannot tell. */
const show = (id: string): string =>
  /^[\x21-\x7e]*$/.test(id)
    ? JSON.stringify(id)
    : `${JSON.stringify(id)} (${Array.from(id, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ')})`;

/** A stream id that is not itself a lookalike, so a test isolates the one identifier it is about. */
const numbered = (lookalike: string): string => `ledger-${LOOKALIKES.indexOf(lookalike) + 1}`;

const idsOf = (events: readonly DomainEvent[]): string[] => events.map((e) => e.eventId);

/**
 * Appends one event to each stream `streamOf(lookalike)`, each with `'no_stream'` (so a store that
 * merges two of them fails right there with a `ConcurrencyError`), and returns the event ids by
 * lookalike.
 */
async function appendOnePerLookalike(
  store: ReadWriteEventStore,
  kind: string,
  streamOf: (id: string) => StreamRef,
  eventTypeOf: (id: string) => string = () => 'Touched',
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const id of LOOKALIKES) {
    const event = newEvent(eventTypeOf(id), { id });
    try {
      await store.append(streamOf(id), 'no_stream', [event]);
    } catch (error) {
      const stored = LOOKALIKES.slice(0, LOOKALIKES.indexOf(id)).map(show).join(', ');
      throw new Error(
        `appending to ${JSON.stringify(streamOf(id))} with 'no_stream' failed after the ${kind} ${stored} ` +
          'were written: the store takes two different identifiers for one. Identifiers compare code unit ' +
          'for code unit: no case folding, no trimming or padding, no Unicode normalisation ' +
          `(a case- or accent-insensitive or PAD SPACE collation does this). Cause: ${String(error)}`,
        { cause: error },
      );
    }
    ids.set(id, event.eventId as string);
  }
  return ids;
}

/** Asserts `readAll(options)` returns exactly the events `expected` names, in order. */
async function expectReadAll(
  store: ReadWriteEventStore,
  options: ReadAllOptions,
  shown: string,
  expected: readonly string[],
): Promise<void> {
  expect(idsOf(await collect(store.readAll(options))), `readAll(${shown})`).toEqual(expected);
}

/** Asserts every read of one stream returns exactly its own event, with its identifiers as written. */
async function expectOwnEventOnly(
  store: ReadWriteEventStore,
  stream: StreamRef,
  eventId: string,
): Promise<void> {
  const what = `stream ${JSON.stringify(stream)}`;
  const events = await store.getEvents(stream.aggregateType, stream.aggregateId);
  expect(idsOf(events), `getEvents of ${what} returns its one event only`).toEqual([eventId]);
  expect(
    events.map((e) => [e.aggregateType, e.aggregateId]),
    `${what} reads back with its identifiers exactly as written`,
  ).toEqual([[stream.aggregateType, stream.aggregateId]]);
  expect(idsOf(await collect(store.readStream(stream))), `readStream of ${what}`).toEqual([eventId]);
  expect(
    idsOf(await collect(store.readStream(stream, { direction: 'backward' }))),
    `readStream backward of ${what}`,
  ).toEqual([eventId]);
  expect(await store.getStreamVersion(stream), `getStreamVersion of ${what}`).toBe(1);
}

/**
 * Identifiers are compared exactly, code unit for code unit: stream ids, aggregate types, event types
 * and event ids that differ only in case, accents, Unicode normalisation or trailing spaces name
 * different things on every path (contract rule 11, `docs/contract.md`).
 */
export const identifiersTests = defineSuite('identifiers', [
  {
    name: 'stream ids differing only in case, accents, Unicode normalisation or trailing space are different streams',
    async run({ store }) {
      const streamOf = (id: string): StreamRef => ({ aggregateType: 'BankAccount', aggregateId: id });
      const ids = await appendOnePerLookalike(store, 'stream ids', streamOf);
      for (const id of LOOKALIKES) await expectOwnEventOnly(store, streamOf(id), ids.get(id)!);
      await store.saveSnapshot({
        aggregateType: 'BankAccount',
        aggregateId: 'acc-1',
        version: 1,
        schemaVersion: 1,
        state: { id: 'acc-1' },
        createdAt: new Date(Date.UTC(2024, 0, 1)),
      });
      for (const id of LOOKALIKES.filter((id) => id !== 'acc-1')) {
        expect(
          await store.getSnapshot('BankAccount', id),
          `the snapshot of "acc-1" is not the snapshot of ${show(id)}`,
        ).toBeNull();
      }
    },
  },
  {
    name: 'aggregate types differing only in case, accents, Unicode normalisation or trailing space are different types',
    async run({ store }) {
      const streamOf = (type: string): StreamRef => ({ aggregateType: type, aggregateId: 'same-id' });
      const ids = await appendOnePerLookalike(store, 'aggregate types', streamOf);
      for (const type of LOOKALIKES) {
        await expectOwnEventOnly(store, streamOf(type), ids.get(type)!);
        const expected = [ids.get(type)!];
        expect(idsOf(await store.getAllEvents(type)), `getAllEvents(${show(type)})`).toEqual(expected);
        await expectReadAll(
          store,
          { aggregateTypes: [type] },
          `{ aggregateTypes: [${show(type)}] }`,
          expected,
        );
      }
    },
  },
  {
    name: 'event types differing only in case, accents, Unicode normalisation or trailing space are different types',
    async run({ store }) {
      const streamOf = (type: string): StreamRef => ({
        aggregateType: 'Ledger',
        aggregateId: numbered(type),
      });
      const ids = await appendOnePerLookalike(store, 'event types', streamOf, (type) => type);
      for (const type of LOOKALIKES) {
        const expected = [ids.get(type)!];
        const byType = await store.getEventsByType(type);
        expect(idsOf(byType), `getEventsByType(${show(type)})`).toEqual(expected);
        expect(
          byType.map((e) => e.eventType),
          'the event type reads back exactly as written',
        ).toEqual([type]);
        await expectReadAll(store, { eventTypes: [type] }, `{ eventTypes: [${show(type)}] }`, expected);
      }
    },
  },
  {
    name: 'event ids differing only in case, accents, Unicode normalisation or trailing space are different events',
    async run({ store }) {
      // Each stream gets one event whose id is a lookalike of the others': none of them is a duplicate.
      const streamOf = (id: string): StreamRef => ({ aggregateType: 'Ledger', aggregateId: numbered(id) });
      for (const id of LOOKALIKES) {
        const event = newEvent('Touched', { id }, { eventId: id });
        await expect(
          store.append(streamOf(id), 'no_stream', [event]),
          `event id ${show(id)} is not a duplicate of any lookalike stored before it`,
        ).resolves.toMatchObject({ nextExpectedVersion: 1 });
      }
      const log = await store.getAllEvents();
      expect(idsOf(log), 'every event id reads back exactly as written').toEqual([...LOOKALIKES]);
      // Idempotency keys on the exact id: repeating one lookalike's append is a no-op in its own stream
      // and still a duplicate anywhere else.
      for (const id of LOOKALIKES) {
        const event = newEvent('Touched', { id }, { eventId: id });
        const repeat = await store.append(streamOf(id), 'no_stream', [event]);
        expect(repeat.nextExpectedVersion, `repeating event ${show(id)} in its stream is a no-op`).toBe(1);
      }
      expect(idsOf(await store.getAllEvents()), 'the repeats wrote nothing').toEqual([...LOOKALIKES]);
    },
  },
]);
