// The events the fault tests relay: many aggregates written in interleaved appends, so a broker
// that stored one stream's events out of order would show it.
import type { SubscribableEventStore } from '@chronicle/core';

/** Appends `count` events over `aggregates` streams, two events per append, round-robin. */
export async function appendInterleaved(
  store: SubscribableEventStore,
  count: number,
  options: { aggregates?: number; offset?: number } = {},
): Promise<bigint> {
  const aggregates = options.aggregates ?? 25;
  const offset = options.offset ?? 0;
  let head = 0n;
  for (let i = 0; i < count; i += 2) {
    const n = offset + i;
    const aggregateId = `a-${(n / 2) % aggregates}`;
    const events = [0, 1]
      .filter((j) => i + j < count)
      .map((j) => ({ eventType: 'Deposited', eventData: { n: n + j } }));
    head = (await store.append({ aggregateType: 'Account', aggregateId }, 'any', events)).lastPosition;
  }
  return head;
}

/** Every event id in the store, in position order (what the stream must hold, once each). */
export async function allEventIds(store: SubscribableEventStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of store.readAll()) ids.push(event.eventId);
  return ids;
}

/**
 * An application writing throughout a test: `size` events every `pauseMs`. `head()` is the last
 * appended position; `stop()` ends it and resolves after its last append.
 */
export function startWriter(
  store: SubscribableEventStore,
  from: { head: bigint; appended: number },
  options: { size: number; pauseMs: number },
) {
  let { head, appended } = from;
  let writing = true;
  const done = (async () => {
    while (writing) {
      head = await appendInterleaved(store, options.size, { offset: appended });
      appended += options.size;
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  })();
  return {
    head: () => head,
    async stop() {
      writing = false;
      await done;
      return head;
    },
  };
}
