import { newEventId } from '@chronicle/core';

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
    reference: referenceAt(i),
    note: 'monthly renewal, card on file',
    tags: ['recurring', 'card'],
  };
}

/** The reference of the event at index `i` of its stream (version `i + 1`). */
function referenceAt(i: number): string {
  return `INV-2026-${String(i).padStart(8, '0')}`;
}

/**
 * The identity of a stored benchmark event, from what every subject reads back (the floor has no
 * event id): its stream and reference. Unique in a store; for a stream written in order, the
 * reference is that of index `version - 1` (see {@link isInPlace}).
 */
export function eventKey(event: { readonly data: unknown }): string {
  const data = event.data as DepositData;
  return `${data.accountId}/${data.reference}`;
}

/** Whether the event carries the data written for its version (index `version - 1` of its stream). */
export function isInPlace(event: { readonly version: number; readonly data: unknown }): boolean {
  return (event.data as DepositData).reference === referenceAt(event.version - 1);
}

/** `count` fresh events for `accountId`, the first carrying index `from`. */
export function makeEvents(accountId: string, from: number, count: number): BenchEvent[] {
  const events: BenchEvent[] = new Array(count);
  const occurredAt = new Date();
  for (let k = 0; k < count; k++) {
    events[k] = {
      eventId: newEventId(),
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
