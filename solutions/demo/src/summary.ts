import type { DomainEvent } from '@chronicle/core';

/** Integer cents as `25.00`, with the currency when given. */
export const money = (cents: number, currency?: string): string =>
  `${(cents / 100).toFixed(2)}${currency === undefined ? '' : ` ${currency}`}`;

type Data = Record<string, unknown>;
type Line = { productId?: unknown; quantity?: unknown; pricePerUnit?: unknown; currency?: unknown };

const lineText = (line: Line): string => {
  const price =
    typeof line.pricePerUnit === 'number' ? ` at ${money(line.pricePerUnit, String(line.currency))}` : '';
  return `${String(line.quantity)} × ${String(line.productId)}${price}`;
};

const summaries: Readonly<Record<string, (data: Data) => string>> = {
  OrderCreated: (data) => {
    const items = Array.isArray(data.items) ? (data.items as Line[]) : [];
    return `customer ${String(data.customerId)}: ${items.map(lineText).join(', ')}`;
  },
  OrderItemAdded: (data) => `+ ${lineText(data as Line)}`,
  OrderConfirmed: (data) =>
    `total ${money(Number(data.totalAmount), String(data.currency))}, paid by ${String(data.paymentMethod)}, confirmed by ${String(data.confirmedBy)}`,
  AccountOpened: (data) => `owner ${String(data.owner)}`,
  MoneyDeposited: (data) => `+${money(Number(data.amount))}`,
  MoneyWithdrawn: (data) => `-${money(Number(data.amount))}`,
};

/** One readable line about an event's data; unknown types get their JSON, shortened. */
export function summarize(event: Pick<DomainEvent, 'eventType' | 'eventData'>): string {
  const summary = summaries[event.eventType];
  if (summary !== undefined && typeof event.eventData === 'object' && event.eventData !== null) {
    return summary(event.eventData as Data);
  }
  const json = JSON.stringify(event.eventData);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
