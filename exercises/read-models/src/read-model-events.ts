import type { AggregateEvent } from '@chronicle/core';

/** What happens to a bank account (amounts in integer cents). This file is given. */
export type AccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string }>
  | AggregateEvent<'MoneyDeposited', { amount: number }>
  | AggregateEvent<'MoneyWithdrawn', { amount: number }>;

/** A document of the `balances` collection: one per account, keyed by the account id. */
export interface Balance {
  [key: string]: string | number;
  owner: string;
  /** Deposits minus withdrawals, in cents. */
  balance: number;
}

/** What happens to an order, as the read-model steps see it. */
export type OrderEvent =
  | AggregateEvent<'OrderPlaced', { customerId: string; total: number }>
  | AggregateEvent<'OrderConfirmed', { confirmedBy: string }>
  | AggregateEvent<'OrderShipped', { carrier: string }>
  | AggregateEvent<'OrderCancelled', { reason: string }>;

/** An order's status in the `orders` read model. */
export type OrderStatus = 'placed' | 'confirmed' | 'shipped' | 'cancelled';

/** A document of the `orders` collection: one per order, keyed by the order id. */
export interface OrderSummary {
  [key: string]: string | number;
  /** The order id (the document's key, kept in the document so a query returns it). */
  id: string;
  customerId: string;
  total: number;
  status: OrderStatus;
}
