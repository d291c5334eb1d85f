import { AggregateRoot, type EventHandlers } from '@chronicle/core';
import { type CreateOrderInput, createOrder, whenOrderCreated } from './01-create-order';
import { addItem, whenItemAdded } from './02-add-item';
import {
  type CancelOrderInput,
  type ConfirmOrderInput,
  cancelOrder,
  confirmOrder,
  whenOrderCancelled,
  whenOrderConfirmed,
} from './03-confirm-cancel';
import { fromOrderSnapshot, type OrderSnapshotState, toOrderSnapshot } from './06-snapshots';
import { type CorrectItemPriceInput, correctItemPrice, whenItemPriceCorrected } from './07-compensate';
import {
  initialOrderState,
  type OrderEvent,
  type OrderLine,
  type OrderState,
  type OrderStatus,
  orderTotal,
} from './order-events';

/**
 * An event-sourced order, built from the functions of the steps: each command asks its step's
 * decision function (`createOrder`, `addItem`, …) for the event's data, which throws `OrderError`
 * when a rule says no, then raises it; each handler hands the event to its step's `when…` function,
 * which returns the next state. This file is given: the steps are where you work.
 *
 * @example
 * ```ts
 * const order = new Order('order-1');
 * order.create({ customerId: 'c-1', items: [{ productId: 'book', quantity: 1, pricePerUnit: 2999, currency: 'EUR' }] });
 * order.confirm({ confirmedBy: 'c-1', paymentMethod: 'card' });
 * ```
 */
export class Order extends AggregateRoot<OrderEvent, OrderSnapshotState> {
  readonly aggregateType = 'Order';

  /** `OrderCreated` is at schema version 2 (prices added); stored V1 events are upcast (step 05). */
  protected override readonly eventSchemaVersions = { OrderCreated: 2 };

  #state: OrderState = initialOrderState();

  protected readonly handlers: EventHandlers<OrderEvent> = {
    OrderCreated: (data) => {
      this.#state = whenOrderCreated(this.#state, data);
    },
    OrderItemAdded: (data) => {
      this.#state = whenItemAdded(this.#state, data);
    },
    OrderConfirmed: (data) => {
      this.#state = whenOrderConfirmed(this.#state, data);
    },
    OrderCancelled: (data) => {
      this.#state = whenOrderCancelled(this.#state, data);
    },
    OrderItemPriceCorrected: (data) => {
      this.#state = whenItemPriceCorrected(this.#state, data);
    },
  };

  /** `'none'` before `create()`, then `'draft'`, `'confirmed'` or `'cancelled'`. */
  get status(): OrderStatus {
    return this.#state.status;
  }

  /** The customer; `null` before `create()`. */
  get customerId(): string | null {
    return this.#state.customerId;
  }

  /** The order's currency; `null` before `create()`. */
  get currency(): string | null {
    return this.#state.currency;
  }

  /** The order's lines (a copy). */
  get items(): OrderLine[] {
    return this.#state.items.map((line) => ({ ...line }));
  }

  /** Quantity × price over all lines, in cents. */
  get total(): number {
    return orderTotal(this.#state);
  }

  /** The amount charged at confirmation, adjusted by price corrections; `null` before confirmation. */
  get confirmedTotal(): number | null {
    return this.#state.confirmedTotal;
  }

  /** Creates the order with its first items (step 01). */
  create(input: CreateOrderInput): void {
    this.raise('OrderCreated', createOrder(this.#state, input));
  }

  /** Adds a line, or more of a product already ordered; only while draft (step 02). */
  addItem(item: OrderLine): void {
    this.raise('OrderItemAdded', addItem(this.#state, item));
  }

  /** Confirms a draft order (step 03). */
  confirm(input: ConfirmOrderInput): void {
    this.raise('OrderConfirmed', confirmOrder(this.#state, input));
  }

  /** Cancels a draft or confirmed order (step 03). */
  cancel(input: CancelOrderInput): void {
    this.raise('OrderCancelled', cancelOrder(this.#state, input));
  }

  /** Corrects a price recorded wrongly, with a compensating event (step 07). */
  correctItemPrice(input: CorrectItemPriceInput): void {
    this.raise('OrderItemPriceCorrected', correctItemPrice(this.#state, input));
  }

  protected override snapshotState(): OrderSnapshotState {
    return toOrderSnapshot(this.#state);
  }

  protected override restoreState(state: OrderSnapshotState): void {
    this.#state = fromOrderSnapshot(state);
  }
}
