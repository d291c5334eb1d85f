import {
  type DomainEvent,
  type Processor,
  type ProcessorOptions,
  type SubscribableEventStore,
  startProcessor,
} from '@chronicle/core';
import type Database from 'better-sqlite3';
import { confirmationMail } from './mail-outbox';

/** The processor's id: the key of its checkpoint and of its lease. Keep it stable across restarts. */
export const CONFIRMATION_MAILS = 'order-confirmation-mails';

/** What the caller may tune; the id, the filter and the handler are yours. */
export type ConfirmationMailsOptions = Pick<
  ProcessorOptions,
  'batchSize' | 'leaseTtlMs' | 'retry' | 'signal'
>;

/**
 * Queues the confirmation mail of one `OrderConfirmed` event in the outbox (table `outbox_mails`,
 * see `openMailOutbox`), at most once per event: the processor may hand the same event again
 * (after a crash, or a retry), and a repeat must change nothing — not even a mail already sent.
 *
 * @returns `true` when the mail was queued now, `false` when this event's mail was already there
 */
export function queueConfirmationMail(outbox: Database.Database, event: DomainEvent): boolean {
  const mail = confirmationMail(event);
  // The event id is the table's key: a redelivered event meets its own row and inserts nothing.
  // (INSERT OR REPLACE would be wrong: it re-queues a mail the sender has already sent.)
  const { changes } = outbox
    .prepare(
      `INSERT INTO outbox_mails (event_id, order_id, recipient, subject, body)
       VALUES (@eventId, @orderId, @recipient, @subject, @body)
       ON CONFLICT (event_id) DO NOTHING`,
    )
    .run(mail);
  return changes === 1;
}

/**
 * Starts the processor {@link CONFIRMATION_MAILS}: it follows the store's log from its stored
 * checkpoint (from the start the first time) and queues a mail for every `OrderConfirmed` event.
 *
 * @param options - batch size, lease time, retries, a stop signal: pass them on as they are
 */
export function startConfirmationMails(
  store: SubscribableEventStore,
  outbox: Database.Database,
  options: ConfirmationMailsOptions = {},
): Processor {
  return startProcessor(store, {
    ...options,
    id: CONFIRMATION_MAILS,
    filter: { aggregateTypes: ['Order'], eventTypes: ['OrderConfirmed'] },
    handle: (event) => {
      queueConfirmationMail(outbox, event);
    },
  });
}
