import type { EventStore } from '@chronicle/core';

/** Appends `count` events over `streams` streams, round-robin, in appends of up to 10 events; returns the head. */
export async function appendRound(
  store: EventStore,
  count: number,
  streams: number,
  round: number,
): Promise<bigint> {
  let head = 0n;
  for (let done = 0; done < count; ) {
    const stream = { aggregateType: 'Account', aggregateId: `a-${(round + done) % streams}` };
    const size = Math.min(10, count - done);
    const events = Array.from({ length: size }, (_, i) => ({
      eventType: 'Deposited',
      eventData: { round, amount: done + i + 1 },
    }));
    head = (await store.append(stream, 'any', events)).lastPosition;
    done += size;
  }
  return head;
}
