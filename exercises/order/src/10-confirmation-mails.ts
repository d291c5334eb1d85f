import type { DomainEvent, Processor, ProcessorOptions, SubscribableEventStore } from '@chronicle/core';
import type Database from 'better-sqlite3';
import { NotImplementedError } from './not-implemented-error';

// TODO: you will need startProcessor from '@chronicle/core' and confirmationMail from './mail-outbox'.

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
  // TODO: one INSERT of confirmationMail(event) into outbox_mails (event_id, order_id, recipient,
  //       subject, body) that does nothing when the event's row exists; report whether it inserted.
  void [outbox, event];
  throw new NotImplementedError('10-confirmation-mails', 'queue the mail once per event id');
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
  // TODO: startProcessor(store, { id, filter, handle, ...options }): only OrderConfirmed events of
  //       Order streams; the handler queues the event's mail.
  void [store, outbox, options];
  throw new NotImplementedError('10-confirmation-mails', 'start the processor with startProcessor()');
}
