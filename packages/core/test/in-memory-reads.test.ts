import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore, type DomainEvent, type EventStore, type StreamRef } from '../src/index';

const order = (id: string): StreamRef => ({ aggregateType: 'Order', aggregateId: id });

async function collect(iterable: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

/** Five events in order-1 (versions 1..5), interleaved with order-2 and an invoice. */
async function seeded(): Promise<EventStore> {
  const store = createInMemoryEventStore();
  await store.append(order('1'), 'no_stream', [
    { eventType: 'OrderCreated', eventData: { n: 1 }, occurredAt: new Date('2026-01-01T00:00:00Z') },
    { eventType: 'OrderItemAdded', eventData: { n: 2 }, occurredAt: new Date('2026-01-02T00:00:00Z') },
  ]);
  await store.append(order('2'), 'no_stream', [
    { eventType: 'OrderCreated', eventData: { n: 1 }, occurredAt: new Date('2026-01-03T00:00:00Z') },
  ]);
  await store.append({ aggregateType: 'Invoice', aggregateId: '1' }, 'no_stream', [
    { eventType: 'InvoiceIssued', eventData: {}, occurredAt: new Date('2026-01-04T00:00:00Z') },
  ]);
  await store.append(order('1'), 2, [
    { eventType: 'OrderItemAdded', eventData: { n: 3 }, occurredAt: new Date('2026-01-05T00:00:00Z') },
    { eventType: 'OrderItemAdded', eventData: { n: 4 }, occurredAt: new Date('2026-01-06T00:00:00Z') },
    { eventType: 'OrderConfirmed', eventData: { n: 5 }, occurredAt: new Date('2026-01-07T00:00:00Z') },
  ]);
  return store;
}

const versions = (events: readonly DomainEvent[]) => events.map((e) => e.version);
const positions = (events: readonly DomainEvent[]) => events.map((e) => e.position);

describe('in-memory store: stream reads', () => {
  it('getEvents returns versions above fromVersion in order', async () => {
    const store = await seeded();
    expect(versions(await store.getEvents('Order', '1'))).toEqual([1, 2, 3, 4, 5]);
    expect(versions(await store.getEvents('Order', '1', 3))).toEqual([4, 5]);
    expect(versions(await store.getEvents('Order', '1', 5))).toEqual([]);
    expect(versions(await store.getEvents('Order', '1', 99))).toEqual([]);
    expect(await store.getEvents('Order', 'absent')).toEqual([]);
  });

  it('readStream reads forward from an exclusive bound, up to a limit', async () => {
    const store = await seeded();
    expect(versions(await collect(store.readStream(order('1'))))).toEqual([1, 2, 3, 4, 5]);
    expect(versions(await collect(store.readStream(order('1'), { fromVersion: 2 })))).toEqual([3, 4, 5]);
    expect(versions(await collect(store.readStream(order('1'), { fromVersion: 1, limit: 2 })))).toEqual([
      2, 3,
    ]);
    expect(versions(await collect(store.readStream(order('1'), { limit: 0 })))).toEqual([]);
  });

  it('readStream reads backward from the newest, below an exclusive bound, up to a limit', async () => {
    const store = await seeded();
    expect(versions(await collect(store.readStream(order('1'), { direction: 'backward' })))).toEqual([
      5, 4, 3, 2, 1,
    ]);
    expect(
      versions(await collect(store.readStream(order('1'), { direction: 'backward', limit: 2 }))),
    ).toEqual([5, 4]);
    expect(
      versions(await collect(store.readStream(order('1'), { direction: 'backward', fromVersion: 4 }))),
    ).toEqual([3, 2, 1]);
    expect(
      versions(
        await collect(store.readStream(order('1'), { direction: 'backward', fromVersion: 4, limit: 2 })),
      ),
    ).toEqual([3, 2]);
    expect(
      versions(await collect(store.readStream(order('1'), { direction: 'backward', fromVersion: 1 }))),
    ).toEqual([]);
    expect(
      versions(await collect(store.readStream(order('1'), { direction: 'backward', fromVersion: 99 }))),
    ).toEqual([5, 4, 3, 2, 1]);
  });

  it('the same id under two aggregate types is two streams', async () => {
    const store = await seeded();
    expect((await store.getEvents('Invoice', '1')).map((e) => e.eventType)).toEqual(['InvoiceIssued']);
    expect(await store.getStreamVersion({ aggregateType: 'Invoice', aggregateId: '1' })).toBe(1);
    expect(await store.getStreamVersion(order('1'))).toBe(5);
  });
});

describe('in-memory store: log reads', () => {
  it('getEventsByType returns one type in position order, from a date inclusive', async () => {
    const store = await seeded();
    const added = await store.getEventsByType('OrderItemAdded');
    expect(added.map((e) => (e.eventData as { n: number }).n)).toEqual([2, 3, 4]);
    const since = await store.getEventsByType('OrderItemAdded', new Date('2026-01-05T00:00:00Z'));
    expect(since.map((e) => (e.eventData as { n: number }).n)).toEqual([3, 4]);
    expect(await store.getEventsByType('Nothing')).toEqual([]);
  });

  it('getAllEvents returns every event in increasing position, filtered by type, after a position', async () => {
    const store = await seeded();
    expect(positions(await store.getAllEvents())).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(positions(await store.getAllEvents('Order'))).toEqual([1n, 2n, 3n, 5n, 6n, 7n]);
    expect(positions(await store.getAllEvents('Order', 3n))).toEqual([5n, 6n, 7n]);
    expect(positions(await store.getAllEvents(undefined, 7n))).toEqual([]);
    expect(positions(await store.getAllEvents(undefined, 100n))).toEqual([]);
  });

  it('readAll pages across batch boundaries without repeating or skipping', async () => {
    const store = await seeded();
    for (const batchSize of [1, 2, 3, 7, 500]) {
      expect(positions(await collect(store.readAll({ batchSize })))).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    }
    expect(positions(await collect(store.readAll({ fromPosition: 4n, batchSize: 2 })))).toEqual([5n, 6n, 7n]);
  });

  it('readAll filters narrow and never reorder', async () => {
    const store = await seeded();
    const byAggregate = await collect(store.readAll({ aggregateTypes: ['Invoice'], batchSize: 1 }));
    expect(positions(byAggregate)).toEqual([4n]);
    const byType = await collect(
      store.readAll({ eventTypes: ['OrderCreated', 'OrderConfirmed'], batchSize: 2 }),
    );
    expect(byType.map((e) => [e.position, e.eventType])).toEqual([
      [1n, 'OrderCreated'],
      [3n, 'OrderCreated'],
      [7n, 'OrderConfirmed'],
    ]);
  });

  it('readAll sees events appended while it iterates', async () => {
    const store = await seeded();
    const seen: bigint[] = [];
    for await (const event of store.readAll({ batchSize: 3 })) {
      seen.push(event.position);
      if (event.position === 2n)
        await store.append(order('3'), 'no_stream', [{ eventType: 'OrderCreated', eventData: {} }]);
    }
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  });

  it('hands out fresh copies: mutating a read event changes nothing stored', async () => {
    const store = await seeded();
    const [first] = await store.getEvents('Order', '1');
    (first!.eventData as { n: number }).n = 999;
    const [again] = await store.getEvents('Order', '1');
    expect(again!.eventData).toEqual({ n: 1 });
  });
});

describe('in-memory store: snapshots', () => {
  const snapshot = (version: number, state: unknown) => ({
    aggregateType: 'Order',
    aggregateId: '1',
    version,
    schemaVersion: 1,
    state,
    createdAt: new Date('2026-02-01T00:00:00.123Z'),
  });

  it('returns null when there is none, and the saved one after a save', async () => {
    const store = createInMemoryEventStore();
    expect(await store.getSnapshot('Order', '1')).toBeNull();
    await store.saveSnapshot(snapshot(3, { total: 3 }));
    expect(await store.getSnapshot('Order', '1')).toEqual(snapshot(3, { total: 3 }));
    expect(await store.getSnapshot('Invoice', '1')).toBeNull();
  });

  it('keeps the newest: a newer save replaces, an older one never does', async () => {
    const store = createInMemoryEventStore();
    await store.saveSnapshot(snapshot(5, { total: 5 }));
    await store.saveSnapshot(snapshot(3, { total: 3 }));
    expect((await store.getSnapshot('Order', '1'))?.version).toBe(5);
    await store.saveSnapshot(snapshot(8, { total: 8 }));
    expect(await store.getSnapshot('Order', '1')).toEqual(snapshot(8, { total: 8 }));
  });

  it('keeps a copy: mutating the saved state afterwards changes nothing stored', async () => {
    const store = createInMemoryEventStore();
    const saved = snapshot(1, { items: ['a'] });
    await store.saveSnapshot(saved);
    (saved.state as { items: string[] }).items.push('b');
    expect((await store.getSnapshot('Order', '1'))?.state).toEqual({ items: ['a'] });
  });
});
