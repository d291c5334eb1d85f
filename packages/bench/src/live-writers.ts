import type { EventStore } from '@chronicle/core';
import { AGGREGATE_TYPE } from './payload';

/** The event type of W10's probes. */
export const PROBE_EVENT_TYPE = 'LatencyProbe';

/** What W10's writers do: `writers` streams in parallel, one single-event append after another. */
export interface LiveWritersPlan {
  readonly writers: number;
  readonly eventsPerWriter: number;
  /**
   * The mean pause before each of one writer's appends, in ms (jittered ±50%, so writers do not
   * march in step).
   */
  readonly intervalMs: number;
  /** Stream ids are `<prefix>-<writer>`. */
  readonly streamPrefix: string;
}

/** A probe's data: the wall-clock time just before its append was called. */
export interface ProbeData {
  readonly sentAt: number;
}

/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on one
 * machine (`performance.timeOrigin` is a wall-clock reading taken at process start).
 */
export const wallClockMs = (): number => performance.timeOrigin + performance.now();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the writers did: how many probes, and how long each append took (call to resolve), in ms. */
export interface LiveWritersReport {
  readonly appended: number;
  readonly appendMs: readonly number[];
}

/**
 * Runs the plan's writers against `store`; each probe carries the time its append was called, so
 * a handler's latency includes the append's own commit — what a user waits for between the write
 * and the reaction. The appends' own durations come back too, to tell the commit's share from the
 * delivery's. Used in-process (the in-memory store) and by W10's child process.
 */
export async function runLiveWriters(store: EventStore, plan: LiveWritersPlan): Promise<LiveWritersReport> {
  const appendMs: number[] = [];
  const writer = async (w: number) => {
    for (let i = 0; i < plan.eventsPerWriter; i++) {
      await pause(plan.intervalMs * (0.5 + Math.random()));
      const data: ProbeData = { sentAt: wallClockMs() };
      await store.append({ aggregateType: AGGREGATE_TYPE, aggregateId: `${plan.streamPrefix}-${w}` }, i, [
        { eventType: PROBE_EVENT_TYPE, eventData: data },
      ]);
      appendMs.push(wallClockMs() - data.sentAt);
    }
  };
  await Promise.all(Array.from({ length: plan.writers }, (_, w) => writer(w)));
  return { appended: appendMs.length, appendMs };
}
