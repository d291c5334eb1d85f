import type { EventStore } from '@chronicle/core';

/**
 * Writes `streams` Account streams (acc-0, acc-1, …) of `eventsPerStream` events each, interleaved
 * across streams so positions and versions do not coincide, and one snapshot of acc-0 at version 1.
 */
export async function seed(store: EventStore, streams: number, eventsPerStream: number): Promise<void> {
  for (let v = 0; v < eventsPerStream; v++) {
    for (let s = 0; s < streams; s++) {
      await store.append({ aggregateType: 'Account', aggregateId: `acc-${s}` }, v, [
        v === 0
          ? { eventType: 'AccountOpened', eventData: { owner: `owner-${s}` }, metadata: { by: 'seed' } }
          : { eventType: 'MoneyDeposited', eventData: { amount: v * 10 } },
      ]);
    }
  }
  await store.append({ aggregateType: 'Ledger', aggregateId: 'main' }, 'no_stream', [
    { eventType: 'LedgerOpened', eventData: {} },
  ]);
  await store.saveSnapshot({
    aggregateType: 'Account',
    aggregateId: 'acc-0',
    version: 1,
    schemaVersion: 1,
    state: { balance: 0 },
    createdAt: new Date(),
  });
}
