import { randomUUID } from 'node:crypto';
import type { EventStore, SubscribableEventStore } from '@chronicle/core';
import { line } from './fixtures';

const order = (aggregateId: string) => ({ aggregateType: 'Order', aggregateId });

/** A store the consuming steps can follow; says so plainly when it cannot be followed. */
export function consumable(store: EventStore): SubscribableEventStore {
  const s = store as Partial<SubscribableEventStore>;
  if (typeof s.subscribe !== 'function' || typeof s.checkpoints !== 'object') {
    throw new Error('this store has no subscribe() and checkpoints: it cannot be followed');
  }
  return store as SubscribableEventStore;
}

/** A new draft order (OrderCreated, stored directly: this step does not depend on the earlier ones). */
export async function draftOrder(store: EventStore, id = `order-${randomUUID()}`): Promise<string> {
  await store.append(order(id), 'no_stream', [
    {
      eventType: 'OrderCreated',
      eventData: { customerId: 'cust-1', items: [line('book', 2, 1250)] },
      schemaVersion: 2,
    },
  ]);
  return id;
}

/** Confirms a draft order; resolves with the position of its OrderConfirmed. */
async function confirm(store: EventStore, id: string, confirmedBy = 'cust-1'): Promise<bigint> {
  const { lastPosition } = await store.append(order(id), 1, [
    {
      eventType: 'OrderConfirmed',
      eventData: { confirmedBy, paymentMethod: 'card', totalAmount: 2500, currency: 'EUR' },
    },
  ]);
  return lastPosition;
}

/** Cancels a confirmed order (version 2); resolves with the position of its OrderCancelled. */
export async function cancelConfirmed(store: EventStore, id: string): Promise<bigint> {
  const { lastPosition } = await store.append(order(id), 2, [
    {
      eventType: 'OrderCancelled',
      eventData: { reason: 'too late', cancelledBy: 'cust-1', refundAmount: 2500 },
    },
  ]);
  return lastPosition;
}

/** A draft order, confirmed: resolves with its id and the OrderConfirmed's position. */
export async function confirmedOrder(store: EventStore): Promise<{ id: string; position: bigint }> {
  const id = await draftOrder(store);
  return { id, position: await confirm(store, id) };
}
