import type { DomainEvent } from '@chronicle/core';
import Database from 'better-sqlite3';
import type { OrderConfirmedData } from './order-events';

/** A confirmation mail, and the event that caused it (its key in the outbox). */
export interface ConfirmationMail {
  /** The `OrderConfirmed` event's id: one event, one mail. */
  readonly eventId: string;
  readonly orderId: string;
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
}

/**
 * The mail service's outbox: a table in its own SQLite file. Queueing a row here is what "sending"
 * means for the shop; a sender process (not part of this step) delivers the rows and stamps
 * `sent_at`. Each row is keyed by the event that caused it, so the table itself can tell a mail it
 * already has from a new one. This file is given: step 10 is where you work.
 */
export function openMailOutbox(filename: string): Database.Database {
  const outbox = new Database(filename);
  outbox.pragma('journal_mode = WAL');
  outbox.pragma('busy_timeout = 5000');
  outbox.exec(`CREATE TABLE IF NOT EXISTS outbox_mails (
    event_id  TEXT PRIMARY KEY,
    order_id  TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at   TEXT
  )`);
  return outbox;
}

/** The mail for one `OrderConfirmed` event: to whoever confirmed it, with the amount charged. */
export function confirmationMail(event: DomainEvent): ConfirmationMail {
  const data = event.eventData as OrderConfirmedData;
  const amount = `${(data.totalAmount / 100).toFixed(2)} ${data.currency}`;
  return {
    eventId: event.eventId,
    orderId: event.aggregateId,
    recipient: data.confirmedBy,
    subject: `Your order ${event.aggregateId} is confirmed`,
    body: `Thank you! We charge ${amount} to your ${data.paymentMethod}.`,
  };
}
