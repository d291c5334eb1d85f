import { randomUUID } from 'node:crypto';
import { type EventStore, Repository, type SnapshotContext } from '@chronicle/core';
import { createTestStores } from '@chronicle/exercise-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromOrderSnapshot, orderSnapshotStrategy, toOrderSnapshot } from '#exercise/06-snapshots';
import { Order } from '#exercise/order';
import { initialOrderState, type OrderState } from '#exercise/order-events';
import { line, recording } from './support/fixtures';

const stores = createTestStores('order-06');
let store: EventStore;
beforeAll(async () => {
  store = await stores.open();
});
afterAll(() => stores.cleanup());

const HOUR = 60 * 60 * 1000;
const start = new Date('2026-03-01T12:00:00Z');

function context(version: number, last: { version: number; ageMs: number } | null): SnapshotContext {
  return {
    aggregateType: 'Order',
    aggregateId: 'order-1',
    version,
    eventsAppended: 1,
    eventsSinceSnapshot: version - (last?.version ?? 0),
    lastSnapshot:
      last === null ? null : { version: last.version, createdAt: new Date(start.getTime() - last.ageMs) },
    now: start,
  };
}

/** A repository with the learner's strategy and a clock the test moves. */
function orderRepository(s: EventStore, clock: { now: Date }) {
  return new Repository(s, {
    create: (id) => new Order(id),
    snapshotStrategy: orderSnapshotStrategy,
    clock: () => clock.now,
  });
}

const snapshotVersion = async (id: string) => (await store.getSnapshot('Order', id))?.version ?? null;

describe(`06-snapshots: an Order snapshot strategy (${stores.kind})`, () => {
  it('snapshots every 5 events since the last snapshot', () => {
    expect(
      orderSnapshotStrategy(context(4, null)),
      'no snapshot yet and 4 events: not due (return false)',
    ).toBe(false);
    expect(
      orderSnapshotStrategy(context(5, null)),
      'no snapshot yet and 5 events: a snapshot is due (return true)',
    ).toBe(true);
    expect(
      orderSnapshotStrategy(context(9, { version: 5, ageMs: 0 })),
      'a fresh snapshot at 5, now at 9: only 4 events since it, not due',
    ).toBe(false);
    expect(
      orderSnapshotStrategy(context(10, { version: 5, ageMs: 0 })),
      'a fresh snapshot at 5, now at 10: 5 events since it, a snapshot is due',
    ).toBe(true);
  });

  it('also snapshots when the last snapshot is an hour old, but not an order that has none', () => {
    expect(
      orderSnapshotStrategy(context(6, { version: 5, ageMs: HOUR - 1 })),
      'the last snapshot is 59:59.999 old and 1 event since it: not due yet',
    ).toBe(false);
    expect(
      orderSnapshotStrategy(context(6, { version: 5, ageMs: HOUR })),
      'the last snapshot is exactly an hour old (now - createdAt): a snapshot is due, however few events since',
    ).toBe(true);
    // No snapshot yet: only the count decides (a plain "max age" rule would snapshot every new order).
    expect(
      orderSnapshotStrategy(context(1, null)),
      'an order with no snapshot (lastSnapshot null) is decided by the count alone: 1 event is not due',
    ).toBe(false);
  });

  it('a snapshot is a JSON copy of the state that restores it, sharing nothing', () => {
    const state: OrderState = {
      ...initialOrderState(),
      status: 'confirmed',
      customerId: 'cust-1',
      currency: 'EUR',
      items: [line('book', 2, 1500)],
      confirmedTotal: 3000,
    };
    const snapshot = toOrderSnapshot(state);
    expect(
      JSON.parse(JSON.stringify(snapshot)),
      'toOrderSnapshot returns plain JSON holding the whole state: it survives JSON.stringify and JSON.parse',
    ).toEqual(state);
    const restored = fromOrderSnapshot(snapshot);
    expect(restored, 'fromOrderSnapshot gives back the state the snapshot was taken from').toEqual(state);
    state.items[0]!.quantity = 99;
    expect(
      restored.items[0]?.quantity,
      'changing the live state must not change the restored state: fromOrderSnapshot copies, items included',
    ).toBe(2);
    expect(
      JSON.parse(JSON.stringify(snapshot)).items[0].quantity,
      'changing the live state must not change the snapshot: toOrderSnapshot copies, items included',
    ).toBe(2);
  });

  it('a repository with the strategy snapshots at 5, and again after an hour', async () => {
    const clock = { now: start };
    const orders = orderRepository(store, clock);
    const id = `order-${randomUUID()}`;
    const order = new Order(id);
    order.create({ customerId: 'cust-1', items: [line('p0', 1, 100)] });
    await orders.save(order);
    const seen: (number | null)[] = [await snapshotVersion(id)];
    for (let v = 2; v <= 6; v++) {
      order.addItem(line(`p${v}`, 1, 100));
      await orders.save(order);
      seen.push(await snapshotVersion(id));
    }
    expect(
      seen,
      'the newest snapshot after each save (versions 1..6, one event a save): none until 5, then 5',
    ).toEqual([null, null, null, null, 5, 5]);
    clock.now = new Date(start.getTime() + 2 * HOUR);
    order.addItem(line('p7', 1, 100));
    await orders.save(order);
    expect(
      await snapshotVersion(id),
      'two hours after the snapshot at 5, the save at 7 snapshots although only 2 events have passed',
    ).toBe(7);
  });

  it('loads from the snapshot plus the events after it', async () => {
    const clock = { now: start };
    const orders = orderRepository(store, clock);
    const id = `order-${randomUUID()}`;
    const order = new Order(id);
    order.create({ customerId: 'cust-1', items: [line('p0', 1, 100)] });
    for (let v = 2; v <= 7; v++) order.addItem(line(`p${v}`, 1, 100));
    await orders.save(order); // 7 events in one save: snapshot at 7
    order.addItem(line('p8', 1, 100));
    await orders.save(order);
    expect(await snapshotVersion(id), '7 events in one save are past 5: a snapshot at 7').toBe(7);
    const { store: observed, calls } = recording(store);
    const loaded = await orderRepository(observed, clock).get(id);
    expect(loaded.items, 'snapshot (7 items) + the event after it (1 item) load as 8 items').toHaveLength(8);
    expect(loaded.total, 'the loaded order totals 8 items at 100: 800').toBe(800);
    expect(loaded.version, 'the loaded order is at version 8: the snapshot at 7 + one event').toBe(8);
    expect(
      calls.filter((c) => c.method === 'getEvents').map((c) => c.args),
      'after the snapshot at 7, loading reads only the events after it (getEvents from 7), not the whole stream',
    ).toEqual([['Order', id, 7]]);
  });
});
