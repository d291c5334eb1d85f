import {
  type DomainEvent,
  type EventStore,
  isConcurrencyError,
  isDuplicateEventError,
  isInvalidArgumentError,
  type NewEvent,
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
}

/**
 * Several writers append — some in batches, some failing after the store began the write (a
 * duplicate id makes the database roll back), some failing on a stale expected version or a bad
 * event — while `read` is called from the last position seen. Returns what was committed.
 */
async function runWriters(store: EventStore, random: () => number, isDone: { value: boolean }): Promise<Run> {
  const run: Run = { committed: new Set(), attempts: { committed: 0, rejected: 0 } };
  const firstIds: string[] = [];
  /** `outcome`: what the contract says must happen; 'either' where a race decides. */
  type Outcome = 'commits' | 'fails' | 'either';
  const attempt = async (target: StreamRef, expected: number, batch: NewEvent[], outcome: Outcome) => {
    try {
      await store.append(target, expected, batch);
      expect(outcome, 'an append that must fail succeeded').not.toBe('fails');
      for (const e of batch) run.committed.add(e.eventId!);
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
  store: EventStore,
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
    const [run] = await Promise.all([runWriters(store, random, done), reader()]);
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
    const missed = [...run.committed].filter((id) => !ids.includes(id));
    expect(missed, 'every committed event is seen').toEqual([]);
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
    if (error instanceof Error) error.message += `\n  (replay with CHRONICLE_FC_SEED=${seed})`;
    throw error;
  }
}

/** Semantics 6: a reader that follows the log sees every committed event exactly once. */
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
