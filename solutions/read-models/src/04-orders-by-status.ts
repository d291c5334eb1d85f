import { defineProjection, type ProjectableEventStore, readDocuments } from '@chronicle/core';
import type { OrderEvent, OrderStatus, OrderSummary } from './read-model-events';

/**
 * The `orders` read model: one summary per order in the collection `orders`, its `status` indexed
 * so that "every order in this status" is a query, not a scan of the log.
 */
export const ordersView = defineProjection<OrderEvent>({
  name: 'orders',
  version: 1,
  indexes: { orders: ['status'] },
  handlers: {
    OrderPlaced: (event, { documents }) =>
      documents<OrderSummary>('orders').put(event.aggregateId, {
        id: event.aggregateId,
        customerId: event.eventData.customerId,
        total: event.eventData.total,
        status: 'placed',
      }),
    OrderConfirmed: async (event, { documents }) => {
      await documents<OrderSummary>('orders').patch(event.aggregateId, { status: 'confirmed' });
    },
    OrderShipped: async (event, { documents }) => {
      await documents<OrderSummary>('orders').patch(event.aggregateId, { status: 'shipped' });
    },
    OrderCancelled: async (event, { documents }) => {
      await documents<OrderSummary>('orders').patch(event.aggregateId, { status: 'cancelled' });
    },
  },
});

const orders = (store: ProjectableEventStore) => readDocuments<OrderSummary>(store, ordersView, 'orders');

/** The ids of the orders in `status`, in id order (the read side: `readDocuments`). */
export async function orderIdsWithStatus(
  store: ProjectableEventStore,
  status: OrderStatus,
): Promise<string[]> {
  const found = await orders(store).find({ status }, { index: 'status' });
  return found.map((order) => String(order.id));
}

/** How many orders are in each status (every status listed, 0 when none). */
export async function countOrdersByStatus(
  store: ProjectableEventStore,
): Promise<Record<OrderStatus, number>> {
  const statuses: OrderStatus[] = ['placed', 'confirmed', 'shipped', 'cancelled'];
  const counts = await Promise.all(statuses.map((status) => orders(store).count({ status })));
  return Object.fromEntries(statuses.map((status, i) => [status, counts[i]!])) as Record<OrderStatus, number>;
}
