import { defineProjection, type ProjectableEventStore } from '@chronicle/core';
import { NotImplementedError } from './not-implemented-error';
import type { OrderEvent, OrderStatus } from './read-model-events';

const todo = (what: string): never => {
  throw new NotImplementedError('04-orders-by-status', what);
};

/**
 * The `orders` read model: one summary per order in the collection `orders`, its `status` indexed
 * so that "every order in this status" is a query, not a scan of the log.
 */
export const ordersView = defineProjection<OrderEvent>({
  name: 'orders',
  version: 1,
  // TODO: declare an index on the `status` field of the `orders` collection: { orders: ['status'] }.
  handlers: {
    OrderPlaced: () => todo("put { id, customerId, total, status: 'placed' }"),
    OrderConfirmed: () => todo("patch the status to 'confirmed'"),
    OrderShipped: () => todo("patch the status to 'shipped'"),
    OrderCancelled: () => todo("patch the status to 'cancelled'"),
  },
});

/** The ids of the orders in `status`, in id order (the read side: `readDocuments`). */
export async function orderIdsWithStatus(
  store: ProjectableEventStore,
  status: OrderStatus,
): Promise<string[]> {
  // TODO: readDocuments(store, ordersView, 'orders').find({ status }, { index: 'status' }); each
  //       summary keeps its order's id in `id`.
  void [store, status];
  throw new NotImplementedError('04-orders-by-status', 'query the orders by status with find()');
}

/** How many orders are in each status (every status listed, 0 when none). */
export async function countOrdersByStatus(
  store: ProjectableEventStore,
): Promise<Record<OrderStatus, number>> {
  // TODO: one count({ status }) per status.
  void store;
  throw new NotImplementedError('04-orders-by-status', 'count the orders in each status with count()');
}
