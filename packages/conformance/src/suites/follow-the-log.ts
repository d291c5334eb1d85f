import {
  type DomainEvent,
  isConcurrencyError,
  isDuplicateEventError,
  isInvalidArgumentError,
  type NewEvent,
  type ReadWriteEventStore,
  type StreamRef,
} from '@chronicle/core';
import { expect } from 'vitest';
import { collect, newEvent, seededRandom, yieldToOthers } from '../support/fixtures';
import { replaySeed } from '../support/property-settings';
import { defineSuite } from '../test-definition';

const WRITERS = 4;
const ROUNDS = 12;

const stream = (id: string): StreamRef => ({ aggregateType: 'Ledger', aggregateId: id });

interface Run {
  committed: Set<string>;
  attempts: Record<'committed' | 'rejected', number>;
  /** Where the reader was when each committed event's append began and when it returned. */
  timing: Map<string, { readonly began: ReaderAt; readonly returned: ReaderAt }>;
}

/** How far the reader had got: the last position it saw, after how many reads. */
interface ReaderAt {
  readonly position: bigint;
  readonly reads: number;
}

const showReader = (at: ReaderAt): string => `at position ${at.position} (after read ${at.reads})`;

/**
 * One line per committed event the reader never saw: where it stands in the log and where the reader
 * was while its append ran, so a skip (a position drawn before commit, made visible behind the reader)
 * tells itself apart from a lost event.
 */
async function describeMissed(
  store: ReadWriteEventStore,
  run: Run,
  missed: readonly string[],
): Promise<string> {
  const stored = new Map((await store.getAllEvents()).map((e) => [e.eventId, e]));
  const lines = missed.map((id) => {
    const event = stored.get(id);
    const timing = run.timing.get(id);
    const where =
      event === undefined
        ? 'not in getAllEvents() either: lost, not only skipped'
        : `${event.aggregateType}/${event.aggregateId} v${event.version} at position ${event.position}`;
    const when =
      timing === undefined
        ? ''
        : `; its append began with the reader ${showReader(timing.began)} and returned with the reader ${showReader(timing.returned)}`;
    const behind =
      event !== undefined && timing !== undefined && event.position <= timing.returned.position
        ? ' — committed behind the reader: its position was assigned before it became visible'
        : '';
    return `  ${id}: ${where}${when}${behind}`;
  });
  return `${missed.length} of ${run.committed.size} committed events were never seen by the reader (rule 6 of docs/contract.md):\n${lines.join('\n')}`;
}

/**
 * Several writers append — some in batches, some failing after the store began the write (a
 * duplicate id makes the database roll back), some failing on a stale expected version or a bad
 * event — while `read` is called from the last position seen. Returns what was committed.
 */
async function runWriters(
  store: ReadWriteEventStore,
  random: () => number,
  isDone: { value: boolean },
  readerAt: () => ReaderAt,
): Promise<Run> {
  const run: Run = { committed: new Set(), attempts: { committed: 0, rejected: 0 }, timing: new Map() };
  const firstIds: string[] = [];
  /** `outcome`: what the contract says must happen; 'either' where a race decides. */
  type Outcome = 'commits' | 'fails' | 'either';
  const attempt = async (target: StreamRef, expected: number, batch: NewEvent[], outcome: Outcome) => {
    const began = readerAt();
    try {
      await store.append(target, expected, batch);
      const returned = readerAt();
      expect(outcome, 'an append that must fail succeeded').not.toBe('fails');
      for (const e of batch) {
        run.committed.add(e.eventId!);
        run.timing.set(e.eventId!, { began, returned });
      }
      if (firstIds.length === 0) firstIds.push(batch[0]!.eventId!);
      run.attempts.committed++;
      return true;
    } catch (error) {
      if (!(isConcurrencyError(error) || isDuplicateEventError(error) || isInvalidArgumentError(error)))
        throw error;
      if (outcome === 'commits') throw error;
      run.attempts.rejected++;
      return false;
    }
  };
  const writer = async (w: number) => {
    const own = stream(`writer-${w}`);
    let version = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await yieldToOthers(random() < 0.5 ? 0 : 1);
      const size = 1 + Math.floor(random() * 3);
      const batch = Array.from({ length: size }, (_, i) => newEvent('Posted', { w, round, i }));
      const roll = random();
      if (roll < 0.45 || version === 0) {
        if (await attempt(own, version, batch, 'commits')) version += size;
      } else if (roll < 0.65) {
        // Contended shared stream: reload, try once, count a conflict as a rolled-back attempt.
        const shared = stream('shared');
        await attempt(shared, await store.getStreamVersion(shared), batch, 'either');
      } else if (roll < 0.78) {
        await attempt(own, version - 1, batch, 'fails');
      } else if (roll < 0.9 && firstIds.length > 0) {
        // New events plus an id stored elsewhere: the write starts, then must roll back entirely.
        await attempt(own, version, [...batch, { ...newEvent('Posted'), eventId: firstIds[0]! }], 'fails');
      } else {
        await attempt(own, version, [...batch, newEvent('Posted', { bad: Number.NaN })], 'fails');
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  isDone.value = true;
  return run;
}

async function followTheLog(
  store: ReadWriteEventStore,
  read: (fromPosition: bigint) => Promise<DomainEvent[]>,
  log: (message: string) => void,
): Promise<void> {
  const seed = replaySeed();
  const random = seededRandom(seed);
  try {
    const done = { value: false };
    const seen: DomainEvent[] = [];
    let last = 0n;
    let reads = 0;
    const poll = async (): Promise<number> => {
      const page = await read(last);
      reads++;
      for (const event of page) {
        seen.push(event);
        last = event.position;
      }
      return page.length;
    };
    const reader = async () => {
      while (!done.value) {
        await poll();
        await yieldToOthers(0);
      }
    };
    const readerAt = (): ReaderAt => ({ position: last, reads });
    const [run] = await Promise.all([runWriters(store, random, done, readerAt), reader()]);
    // "Eventually": every append has returned, so every commit is done; keep reading until the log
    // stays quiet (an adapter may hold back events a little while others are in flight).
    const deadline = Date.now() + 5_000;
    for (let quiet = 0; quiet < 3 && Date.now() < deadline; ) {
      if ((await poll()) === 0) {
        quiet++;
        await yieldToOthers(10);
      } else quiet = 0;
    }

    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size, 'no event is seen twice').toBe(ids.length);
    for (let i = 1; i < seen.length; i++) {
      expect(
        seen[i]!.position > seen[i - 1]!.position,
        `positions increase (${seen[i - 1]!.position} then ${seen[i]!.position})`,
      ).toBe(true);
    }
    const seenIds = new Set(ids);
    const missed = [...run.committed].filter((id) => !seenIds.has(id));
    if (missed.length > 0) expect.fail(await describeMissed(store, run, missed));
    const phantom = ids.filter((id) => !run.committed.has(id));
    expect(phantom, 'no event of a failed append is seen').toEqual([]);
    const versions = new Map<string, number[]>();
    for (const e of seen) {
      const key = `${e.aggregateType}/${e.aggregateId}`;
      versions.set(key, [...(versions.get(key) ?? []), e.version]);
    }
    for (const [key, list] of versions) {
      expect(list, `${key} is seen in version order 1..n`).toEqual(list.map((_, i) => i + 1));
    }
    expect(run.attempts.committed).toBeGreaterThan(0);
    expect(run.attempts.rejected).toBeGreaterThan(0);
    log(
      `${run.committed.size} events from ${run.attempts.committed} appends (${run.attempts.rejected} rejected) followed in ${reads} reads`,
    );
  } catch (error) {
    if (error instanceof Error) {
      error.message +=
        `\n  (CHRONICLE_FC_SEED=${seed} replays the same writers, batches and failures; on a store with ` +
        'real parallel writers it does not replay the timing, so a race may take several runs to recur)';
    }
    throw error;
  }
}

/** Contract rule 6 (`docs/contract.md`): a reader that follows the log sees every committed event exactly once. */
export const followTheLogTests = defineSuite('follow-the-log', [
  {
    name: 'a reader tailing readAll sees every committed event exactly once, in order',
    timeout: 120_000,
    async run({ store, log }) {
      await followTheLog(
        store,
        (fromPosition) => collect(store.readAll({ fromPosition, batchSize: 3 })),
        log,
      );
    },
  },
  {
    name: 'a reader tailing getAllEvents sees every committed event exactly once, in order',
    timeout: 120_000,
    async run({ store, log }) {
      await followTheLog(store, (fromPosition) => store.getAllEvents(undefined, fromPosition), log);
    },
  },
]);
