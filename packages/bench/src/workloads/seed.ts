import { makeEvents } from '../payload';
import type { Subject } from '../subject';

/**
 * Appends `count` events to `stream` (starting at version `from`) in appends of `batch` events: the
 * fastest way in through the subject's own append path.
 */
export async function seedStream(
  subject: Subject,
  stream: string,
  count: number,
  batch: number,
  from = 0,
): Promise<void> {
  for (let done = 0; done < count; ) {
    const size = Math.min(batch, count - done);
    await subject.append(stream, from + done, makeEvents(stream, from + done, size));
    done += size;
  }
}

/**
 * Seeds a large log: `events` events in streams of two appends of `seedBatch` each (W7, W8's
 * levels, W11), the fastest way in that keeps streams of a realistic length.
 */
export async function seedLargeLog(subject: Subject, events: number, seedBatch: number): Promise<void> {
  const streamLength = seedBatch * 2;
  for (let s = 0; s * streamLength < events; s++) {
    await seedStream(subject, `big-${s}`, Math.min(streamLength, events - s * streamLength), seedBatch);
  }
}
