import { type AggregateEvent, AggregateRoot, type EventHandlers, type Upcaster } from '@chronicle/core';

/** One line of an order. Prices are integer cents: floating-point money drifts. */
export interface OrderLine {
  productId: string;
  quantity: number;
  /** Price per unit, in cents. */
  price: number;
  currency: string;
}

/** `OrderCreated` as the first version of the code wrote it: no prices yet (the lesson's V1). */
export interface OrderCreatedV1Data {
  customerId: string;
  items: Array<{ productId: string; quantity: number }>;
}

/** Everything that can happen to an order, with today's (V2) shape of `OrderCreated`. */
export type OrderEvent =
  | AggregateEvent<'OrderCreated', { customerId: string; items: OrderLine[] }>
  | AggregateEvent<'OrderItemAdded', OrderLine>
  | AggregateEvent<
      'OrderConfirmed',
      { confirmedBy: string; paymentMethod: string; totalAmount: number; currency: string }
    >;

/** What an order's events add up to. */
export interface OrderState {
  customerId: string | null;
  items: OrderLine[];
  status: 'new' | 'draft' | 'confirmed';
}

/**
 * The lesson's Order, small: created with items, items added only while a draft, then confirmed.
 * Rules are checked in the commands; the handlers only apply what already happened.
 */
export class Order extends AggregateRoot<OrderEvent, OrderState> {
  readonly aggregateType = 'Order';
  // Today's code writes OrderCreated in its second shape; V1 events are upcast on read.
  protected override readonly eventSchemaVersions = { OrderCreated: 2 };

  #state: OrderState = { customerId: null, items: [], status: 'new' };

  protected readonly handlers: EventHandlers<OrderEvent> = {
    OrderCreated: ({ customerId, items }) => {
      this.#state = { customerId, items: items.map((item) => ({ ...item })), status: 'draft' };
    },
    OrderItemAdded: (line) => {
      this.#state.items.push({ ...line });
    },
    OrderConfirmed: () => {
      this.#state.status = 'confirmed';
    },
  };

  /** `'new'` before creation, `'draft'` while items may change, then `'confirmed'`. */
  get status(): OrderState['status'] {
    return this.#state.status;
  }

  /** The order's lines (copies). */
  get items(): OrderLine[] {
    return this.#state.items.map((item) => ({ ...item }));
  }

  /** The sum of the lines, in cents. */
  get total(): number {
    return this.#state.items.reduce((sum, item) => sum + item.quantity * item.price, 0);
  }

  /** Creates the order with its first items. */
  create(customerId: string, items: OrderLine[]): void {
    if (this.status !== 'new') throw new Error(`order ${this.id} already exists`);
    if (items.length === 0) throw new Error('an order needs at least one item');
    this.raise('OrderCreated', { customerId, items });
  }

  /** Adds a line; only a draft order takes new items. */
  addItem(line: OrderLine): void {
    if (this.status !== 'draft') throw new Error(`cannot add items to a ${this.status} order`);
    this.raise('OrderItemAdded', line);
  }

  /** Confirms a draft order, recording the total at confirmation time. */
  confirm(confirmedBy: string, paymentMethod: string): void {
    if (this.status !== 'draft') throw new Error(`cannot confirm a ${this.status} order`);
    const currency = this.#state.items[0]?.currency ?? 'EUR';
    this.raise('OrderConfirmed', { confirmedBy, paymentMethod, totalAmount: this.total, currency });
  }
}

/**
 * `OrderCreated` V1 → V2: items written before prices existed get price 0 in USD, the lesson's
 * defaults. The store applies it on every read path, so the aggregate only ever sees V2.
 */
export const orderCreatedV1ToV2: Upcaster<OrderCreatedV1Data, { customerId: string; items: OrderLine[] }> = {
  eventType: 'OrderCreated',
  fromSchemaVersion: 1,
  upcast: (event) => ({
    customerId: event.eventData.customerId,
    items: event.eventData.items.map((item) => ({ ...item, price: 0, currency: 'USD' })),
  }),
};
