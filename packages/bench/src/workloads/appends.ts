import { eventKey, isInPlace, makeEvents } from '../payload';
import { percentile, perSecond } from '../stats';
import { isConflict, type Subject, type SubjectFactory } from '../subject';
import { WORKLOAD } from '../workload-ids';
import { type Metrics, type RoundContext, verify, type Workload } from './workload';

/** Runs `body` on a subject on fresh storage, and closes it. */
async function onFreshSubject<T>(
  factory: SubjectFactory,
  body: (subject: Subject) => Promise<T>,
): Promise<T> {
  const subject = await factory.open();
  try {
    return await body(subject);
  } finally {
    await subject.close();
  }
}

/** W1: sequential single-event appends with an exact expected version: the latency of one commit. */
export const sequentialAppends: Workload<null> = {
  id: WORKLOAD.sequentialAppends,
  title: 'sequential single-event appends',
  interleaved: true,
  prepare: async () => null,
  round: (factory, _prepared, { scale, label }: RoundContext) =>
    onFreshSubject(factory, async (subject): Promise<Metrics> => {
      const versions = new Array<number>(scale.w1Streams).fill(0);
      const latencies = new Array<number>(scale.w1Appends);
      const started = performance.now();
      for (let i = 0; i < scale.w1Appends; i++) {
        const s = i % scale.w1Streams;
        const stream = `${label}-${s}`;
        const events = makeEvents(stream, versions[s]!, 1);
        const t0 = performance.now();
        await subject.append(stream, versions[s]!, events);
        latencies[i] = performance.now() - t0;
        versions[s]! += 1;
      }
      const elapsed = performance.now() - started;
      for (let s = 0; s < scale.w1Streams; s++) {
        const stored = await subject.streamVersion(`${label}-${s}`);
        verify(stored === versions[s], `W1 stream ${s} is at version ${stored}, expected ${versions[s]}`);
      }
      return {
        eventsPerSec: perSecond(scale.w1Appends, elapsed),
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
      };
    }),
  finish: async () => {},
};

/** W2: appends of 100 events, each to a new stream: insert throughput per transaction. */
export const batchedAppends: Workload<null> = {
  id: WORKLOAD.batchedAppends,
  title: 'batched appends (100 events, distinct streams)',
  interleaved: true,
  prepare: async () => null,
  round: (factory, _prepared, { scale, label }) =>
    onFreshSubject(factory, async (subject): Promise<Metrics> => {
      const started = performance.now();
      for (let i = 0; i < scale.w2Appends; i++) {
        const stream = `${label}-${i}`;
        await subject.append(stream, 0, makeEvents(stream, 0, scale.w2BatchSize));
      }
      const elapsed = performance.now() - started;
      for (const i of [0, scale.w2Appends - 1]) {
        const stored = await subject.streamVersion(`${label}-${i}`);
        verify(stored === scale.w2BatchSize, `W2 stream ${i} is at version ${stored}`);
      }
      return { eventsPerSec: perSecond(scale.w2Appends * scale.w2BatchSize, elapsed) };
    }),
  finish: async () => {},
};

/** W3: concurrent writers, each appending single events to its own stream: commits under concurrency. */
export const concurrentWriters: Workload<null> = {
  id: WORKLOAD.concurrentWriters,
  title: 'concurrent appenders on distinct streams',
  interleaved: true,
  prepare: async () => null,
  round: (factory, _prepared, { scale, label }) =>
    onFreshSubject(factory, async (subject): Promise<Metrics> => {
      const writer = async (w: number): Promise<void> => {
        const stream = `${label}-${w}`;
        for (let v = 0; v < scale.w3AppendsPerWriter; v++) {
          await subject.append(stream, v, makeEvents(stream, v, 1));
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: scale.w3Writers }, (_, w) => writer(w)));
      const elapsed = performance.now() - started;
      for (let w = 0; w < scale.w3Writers; w++) {
        const stored = await subject.streamVersion(`${label}-${w}`);
        verify(stored === scale.w3AppendsPerWriter, `W3 writer ${w}'s stream is at version ${stored}`);
      }
      return { eventsPerSec: perSecond(scale.w3Writers * scale.w3AppendsPerWriter, elapsed) };
    }),
  finish: async () => {},
};

/**
 * W4: writers contending on one stream, each reloading the version and retrying on conflict until the
 * stream holds its quota; then the stream must hold versions 1..n exactly, each event once.
 */
export const contendedStream: Workload<null> = {
  id: WORKLOAD.contendedStream,
  title: 'writers contending on one stream (reload and retry)',
  interleaved: true,
  prepare: async () => null,
  round: (factory, _prepared, { scale, label }) =>
    onFreshSubject(factory, async (subject): Promise<Metrics> => {
      const stream = `${label}-hot`;
      let conflicts = 0;
      let appended = 0;
      const writer = async (): Promise<void> => {
        for (;;) {
          const version = await subject.streamVersion(stream);
          if (version >= scale.w4Events) return;
          try {
            await subject.append(stream, version, makeEvents(stream, version, 1));
            appended++;
          } catch (error) {
            if (!isConflict(error)) throw error;
            conflicts++;
          }
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: scale.w4Writers }, writer));
      const elapsed = performance.now() - started;
      const events = await subject.readStream(stream);
      verify(
        events.length === scale.w4Events,
        `W4 stream holds ${events.length} events, expected ${scale.w4Events}`,
      );
      verify(appended === scale.w4Events, `W4 writers report ${appended} successful appends`);
      const ids = new Set<string>();
      events.forEach((event, i) => {
        verify(event.version === i + 1, `W4 event ${i} has version ${event.version}`);
        verify(isInPlace(event), `W4 event ${i} carries the data of another version`);
        ids.add(eventKey(event));
      });
      verify(ids.size === scale.w4Events, 'W4 stream holds a repeated event');
      return { eventsPerSec: perSecond(scale.w4Events, elapsed), conflicts };
    }),
  finish: async () => {},
};
