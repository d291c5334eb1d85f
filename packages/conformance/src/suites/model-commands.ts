import {
  type AppendResult,
  type ExpectedVersion,
  isConcurrencyError,
  isDuplicateEventError,
  type NewEvent,
  type ReadWriteEventStore,
  type StreamRef,
} from '@chronicle/core';
import type fc from 'fast-check';
import { expect } from 'vitest';
import { collect, newEvent } from '../support/fixtures';

/**
 * A plain model of the contract: what each stream holds, the global order, the newest snapshot
 * version. Every command runs against the real store and the model and compares them.
 */
export interface Model {
  readonly streams: string[][];
  readonly log: { readonly stream: number; readonly eventId: string; readonly eventType: string }[];
  readonly snapshots: (number | undefined)[];
  readonly history: { stream: number; expected: ExpectedVersion; batch: NewEvent[]; result: AppendResult }[];
  lastPosition: bigint;
  /** Position of each stream's last event (`0n` when empty), as append results reported it. */
  readonly streamPositions: bigint[];
}

export interface Real {
  readonly store: ReadWriteEventStore;
  /** Unique per run, so runs share one store without seeing each other. */
  readonly ns: string;
}

type Command = fc.AsyncCommand<Model, Real>;

export const STREAM_COUNT = 3;
export const EVENT_TYPES = ['Deposited', 'Withdrawn'] as const;

/** Stream 2 has the id of stream 0 under another aggregate type: two streams, never one. */
const streamOf = (ns: string, index: number): StreamRef => ({
  aggregateType: `${ns}-${index === 2 ? 'Order' : 'Account'}`,
  aggregateId: index === 1 ? 'y' : 'x',
});
const typesOf = (ns: string): string[] => [`${ns}-Account`, `${ns}-Order`];

export type Mode = 'exact' | 'any' | 'no_stream' | 'stream_exists' | 'stale-low' | 'stale-high';

function expectedFor(mode: Mode, current: number): ExpectedVersion {
  switch (mode) {
    case 'exact':
      return current;
    case 'stale-low':
      return current > 0 ? current - 1 : current + 1;
    case 'stale-high':
      return current + 2;
    default:
      return mode;
  }
}

function accepts(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  if (expected === 'stream_exists') return current > 0;
  return expected === current;
}

export class AppendCommand implements Command {
  constructor(
    readonly stream: number,
    readonly mode: Mode,
    readonly types: readonly number[],
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const current = m.streams[this.stream]!.length;
    const expected = expectedFor(this.mode, current);
    const batch = this.types.map((t, i) => newEvent(`${r.ns}-${EVENT_TYPES[t]!}`, { i, t, at: current }));
    const target = streamOf(r.ns, this.stream);
    if (!accepts(expected, current)) {
      const error = await r.store.append(target, expected, batch).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(
        isConcurrencyError(error),
        `append with ${String(expected)} at version ${current} must conflict`,
      ).toBe(true);
      if (isConcurrencyError(error)) expect(error.actualVersion).toBe(current);
      expect(await r.store.getStreamVersion(target)).toBe(current);
      return;
    }
    const result = await r.store.append(target, expected, batch);
    expect(result.nextExpectedVersion).toBe(current + batch.length);
    expect(result.firstPosition > m.lastPosition, 'a later append gets higher positions').toBe(true);
    expect(result.lastPosition >= result.firstPosition).toBe(true);
    m.lastPosition = result.lastPosition;
    m.streamPositions[this.stream] = result.lastPosition;
    m.streams[this.stream]!.push(...batch.map((e) => e.eventId!));
    m.log.push(...batch.map((e) => ({ stream: this.stream, eventId: e.eventId!, eventType: e.eventType })));
    m.history.push({ stream: this.stream, expected, batch, result });
  }
  toString = () => `append(stream ${this.stream}, ${this.mode}, ${this.types.length} events)`;
}

export class EmptyAppendCommand implements Command {
  constructor(
    readonly stream: number,
    readonly mode: 'exact' | 'any',
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const current = m.streams[this.stream]!.length;
    const last = m.streamPositions[this.stream]!;
    const result = await r.store.append(
      streamOf(r.ns, this.stream),
      this.mode === 'exact' ? current : 'any',
      [],
    );
    expect(result, 'an empty append reports the current version and writes nothing').toEqual({
      nextExpectedVersion: current,
      firstPosition: last,
      lastPosition: last,
    });
  }
  toString = () => `appendNothing(stream ${this.stream}, ${this.mode})`;
}

export class RetryCommand implements Command {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.history.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const h = m.history[this.pick % m.history.length]!;
    const target = streamOf(r.ns, h.stream);
    expect(
      await r.store.append(target, h.expected, h.batch),
      'a retried append returns the original result',
    ).toEqual(h.result);
    expect(await r.store.getStreamVersion(target)).toBe(m.streams[h.stream]!.length);
  }
  toString = () => `retry(${this.pick})`;
}

export class ReuseCommand implements Command {
  constructor(
    readonly pick: number,
    readonly shift: number,
  ) {}
  check = (m: Readonly<Model>) => m.history.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const h = m.history[this.pick % m.history.length]!;
    const other = (h.stream + this.shift) % STREAM_COUNT;
    const target = streamOf(r.ns, other);
    const error = await r.store.append(target, 'any', h.batch).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDuplicateEventError(error), 'stored events appended to another stream are duplicates').toBe(
      true,
    );
    expect(await r.store.getStreamVersion(target)).toBe(m.streams[other]!.length);
  }
  toString = () => `reuse(${this.pick} → +${this.shift})`;
}

export class ReadStreamCommand implements Command {
  constructor(
    readonly stream: number,
    readonly fromVersion: number | undefined,
    readonly backward: boolean,
    readonly limit: number | undefined,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const ids = m.streams[this.stream]!;
    const target = streamOf(r.ns, this.stream);
    let expected: string[];
    if (this.backward) {
      const end =
        this.fromVersion === undefined ? ids.length : Math.min(Math.max(this.fromVersion - 1, 0), ids.length);
      expected = ids.slice(0, end).reverse();
    } else {
      expected = ids.slice(this.fromVersion ?? 0);
    }
    if (this.limit !== undefined) expected = expected.slice(0, this.limit);
    const read = await collect(
      r.store.readStream(target, {
        direction: this.backward ? 'backward' : 'forward',
        ...(this.fromVersion === undefined ? {} : { fromVersion: this.fromVersion }),
        ...(this.limit === undefined ? {} : { limit: this.limit }),
      }),
    );
    expect(read.map((e) => e.eventId)).toEqual(expected);
    expect(
      read.every((e) => e.aggregateType === target.aggregateType && e.aggregateId === target.aggregateId),
    ).toBe(true);
    const all = await r.store.getEvents(target.aggregateType, target.aggregateId, this.fromVersion ?? 0);
    expect(all.map((e) => e.eventId)).toEqual(ids.slice(this.fromVersion ?? 0));
    expect(all.map((e) => e.version)).toEqual(
      ids.slice(this.fromVersion ?? 0).map((_, i) => (this.fromVersion ?? 0) + i + 1),
    );
    expect(await r.store.getStreamVersion(target)).toBe(ids.length);
  }
  toString = () =>
    `readStream(stream ${this.stream}, ${this.backward ? 'backward' : 'forward'}, from ${this.fromVersion}, limit ${this.limit})`;
}

export class ReadAllCommand implements Command {
  constructor(
    readonly cut: number,
    readonly batchSize: number,
    readonly eventType: number | undefined,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const all = await collect(r.store.readAll({ aggregateTypes: typesOf(r.ns), batchSize: this.batchSize }));
    expect(all.map((e) => e.eventId)).toEqual(m.log.map((e) => e.eventId));
    expect(all.every((e, i) => i === 0 || e.position > all[i - 1]!.position)).toBe(true);
    if (all.length === 0) return;
    const k = this.cut % all.length;
    const from = all[k]!.position;
    const eventType = this.eventType === undefined ? undefined : `${r.ns}-${EVENT_TYPES[this.eventType]!}`;
    const tail = await collect(
      r.store.readAll({
        fromPosition: from,
        aggregateTypes: typesOf(r.ns),
        batchSize: this.batchSize,
        ...(eventType === undefined ? {} : { eventTypes: [eventType] }),
      }),
    );
    expect(tail.map((e) => e.eventId)).toEqual(
      m.log
        .slice(k + 1)
        .filter((e) => eventType === undefined || e.eventType === eventType)
        .map((e) => e.eventId),
    );
    if (eventType !== undefined) {
      const byType = await r.store.getEventsByType(eventType);
      expect(byType.map((e) => e.eventId)).toEqual(
        m.log.filter((e) => e.eventType === eventType).map((e) => e.eventId),
      );
    }
  }
  toString = () => `readAll(cut ${this.cut}, batch ${this.batchSize}, type ${this.eventType})`;
}

export class SnapshotCommand implements Command {
  constructor(
    readonly stream: number,
    readonly version: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const target = streamOf(r.ns, this.stream);
    await r.store.saveSnapshot({
      ...target,
      version: this.version,
      schemaVersion: 1,
      state: { at: this.version },
      createdAt: new Date(1_700_000_000_000 + this.version),
    });
    const newest = Math.max(m.snapshots[this.stream] ?? 0, this.version);
    m.snapshots[this.stream] = newest;
    const read = await r.store.getSnapshot(target.aggregateType, target.aggregateId);
    expect(read?.version, 'the newest snapshot is kept').toBe(newest);
    expect(read?.state).toEqual({ at: newest });
    for (let other = 0; other < STREAM_COUNT; other++) {
      const ref = streamOf(r.ns, other);
      expect((await r.store.getSnapshot(ref.aggregateType, ref.aggregateId))?.version ?? undefined).toBe(
        m.snapshots[other],
      );
    }
  }
  toString = () => `saveSnapshot(stream ${this.stream}, v${this.version})`;
}

/** After a run: every stream read from every bound in both directions, and the whole log, agree with the model. */
export async function verifyEverything(m: Model, r: Real): Promise<void> {
  for (let stream = 0; stream < STREAM_COUNT; stream++) {
    const length = m.streams[stream]!.length;
    for (let from = 0; from <= length + 1; from++) {
      await new ReadStreamCommand(stream, from, false, undefined).run(m, r);
      await new ReadStreamCommand(stream, from, true, undefined).run(m, r);
    }
    await new ReadStreamCommand(stream, undefined, true, 2).run(m, r);
  }
  await new ReadAllCommand(m.log.length >> 1, 2, 0).run(m, r);
}
