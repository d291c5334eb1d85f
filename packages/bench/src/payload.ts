import { randomUUID } from 'node:crypto';

/** The aggregate type every benchmark stream belongs to. */
export const AGGREGATE_TYPE = 'Account';
/** The event type every benchmark event has. */
export const EVENT_TYPE = 'MoneyDeposited';

/** The JSON data of a benchmark event: about 150 bytes once serialised. */
export interface DepositData {
  readonly amount: number;
  readonly currency: string;
  readonly accountId: string;
  readonly reference: string;
  readonly note: string;
  readonly tags: readonly string[];
}

/** One event as the harness hands it to a subject: the same values for adapters and raw baselines. */
export interface BenchEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly data: DepositData;
  readonly occurredAt: Date;
}

/** The amount of the event at index `i`, so folds have a checkable result. */
export function amountAt(i: number): number {
  return (i % 997) + 1;
}

/** A deposit of {@link amountAt}(i) to `accountId`. */
export function depositData(accountId: string, i: number): DepositData {
  return {
    amount: amountAt(i),
    currency: 'EUR',
    accountId,
    reference: `INV-2026-${String(i).padStart(8, '0')}`,
    note: 'monthly renewal, card on file',
    tags: ['recurring', 'card'],
  };
}

/** `count` fresh events for `accountId`, the first carrying index `from`. */
export function makeEvents(accountId: string, from: number, count: number): BenchEvent[] {
  const events: BenchEvent[] = new Array(count);
  const occurredAt = new Date();
  for (let k = 0; k < count; k++) {
    events[k] = {
      eventId: randomUUID(),
      eventType: EVENT_TYPE,
      data: depositData(accountId, from + k),
      occurredAt,
    };
  }
  return events;
}

/** The sum of {@link amountAt} over indexes `0..count-1`: what a full fold of a seeded stream yields. */
export function expectedBalance(count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += amountAt(i);
  return sum;
}
