import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Processor, SubscribableEventStore } from '@chronicle/core';
import { createTestStores, postgresUrl, startChild, type TestStores } from '@chronicle/exercise-support';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONFIRMATION_MAILS,
  queueConfirmationMail,
  startConfirmationMails,
} from '#exercise/10-confirmation-mails';
import { confirmationMail, openMailOutbox } from '#exercise/mail-outbox';
import { cancelConfirmed, confirmedOrder, consumable, draftOrder } from './support/shop';

const TRACK = postgresUrl() === undefined ? 'sqlite' : 'postgres';
// How long the mailer may take to catch up. PostgreSQL delivers only events below the read horizon,
// the oldest transaction open anywhere on the server: other work on a shared server can hold it back.
const CATCH_UP_MS = TRACK === 'postgres' ? 30_000 : 5_000;
// A short lease, so a restarted mailer takes over from a killed one in well under a second.
const FAST = { leaseTtlMs: 300 } as const;

interface Shop {
  stores: TestStores;
  store: SubscribableEventStore;
  outbox: Database.Database;
  outboxFile: string;
}

const opened: { shop: Shop; dir: string }[] = [];
const running: Processor[] = [];

/** A fresh store and a fresh, empty mail outbox for one test. */
async function openShop(): Promise<Shop> {
  const stores = createTestStores('order-10');
  const dir = mkdtempSync(join(tmpdir(), 'chronicle-exercise-outbox-'));
  const outboxFile = join(dir, 'outbox.sqlite');
  const shop = {
    stores,
    store: consumable(await stores.open()),
    outbox: openMailOutbox(outboxFile),
    outboxFile,
  };
  opened.push({ shop, dir });
  return shop;
}

/** Starts the learner's mailer and remembers it, so a failing test still stops it. */
function start(shop: Shop, options = {}): Processor {
  const mailer = startConfirmationMails(shop.store, shop.outbox, { ...FAST, ...options });
  running.push(mailer);
  return mailer;
}

afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((p) => p.stop()));
  for (const { shop, dir } of opened.splice(0)) {
    shop.outbox.close();
    await shop.stores.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

interface MailRow {
  event_id: string;
  order_id: string;
  recipient: string;
  subject: string;
  body: string;
  queued_at: string;
  sent_at: string | null;
}

const mails = (outbox: Database.Database): MailRow[] =>
  outbox.prepare('SELECT * FROM outbox_mails ORDER BY order_id').all() as MailRow[];

/** What the mail service's sender does: delivers every queued mail and stamps it. */
const sendAll = (outbox: Database.Database): void =>
  void outbox
    .prepare("UPDATE outbox_mails SET sent_at = '2026-01-01T00:00:00.000Z' WHERE sent_at IS NULL")
    .run();

/** Waits for the mailer to reach `position`; on failure says what the processor last saw. */
async function processed(mailer: Processor, position: bigint): Promise<void> {
  try {
    await mailer.whenProcessed(position, { timeoutMs: CATCH_UP_MS });
  } catch (error) {
    const { state, checkpoint, lastError } = mailer.status();
    const why = lastError
      ? `, its handler failed with: ${lastError.message}`
      : state === 'standby'
        ? ': another instance still holds the lease (pass the options on: the tests give a short leaseTtlMs)'
        : ` (${String(error)})`;
    expect.fail(
      `the mailer did not get to position ${position}: it is '${state}' at checkpoint ${checkpoint}${why}`,
    );
  }
}

const sorted = (ids: string[]): string[] => [...ids].sort();

describe(`10-confirmation-mails: an idempotent reactor on the log (${TRACK})`, {
  timeout: 3 * CATCH_UP_MS,
}, () => {
  it('queues the mail of an event once: a repeat inserts nothing and returns false', async () => {
    const { store, outbox } = await openShop();
    const { id } = await confirmedOrder(store);
    const [, confirmed] = await store.getEvents('Order', id);
    expect(queueConfirmationMail(outbox, confirmed!), 'the first time, the mail is queued: true').toBe(true);
    sendAll(outbox);
    let again: unknown;
    try {
      again = queueConfirmationMail(outbox, confirmed!);
    } catch (error) {
      expect.fail(`the same event again (a redelivery) must be harmless, but it threw: ${String(error)}`);
    }
    expect(again, 'the same event again must queue nothing and return false').toBe(false);
    const rows = mails(outbox);
    expect(rows, 'one event, one row in outbox_mails').toHaveLength(1);
    expect(rows[0], 'the row holds confirmationMail(event), keyed by the event id').toMatchObject({
      event_id: confirmed!.eventId,
      order_id: id,
      recipient: 'cust-1',
      subject: confirmationMail(confirmed!).subject,
      body: confirmationMail(confirmed!).body,
    });
    expect(
      rows[0]?.sent_at,
      'the repeat must leave the mail as it was: it was already sent (INSERT OR REPLACE would queue it again)',
    ).not.toBeNull();
  });

  it('follows the log from the start: a mail for every confirmed order, none for other events', async () => {
    const shop = await openShop();
    const { store, outbox } = shop;
    const before = await confirmedOrder(store);
    await draftOrder(store);
    const cancelled = await confirmedOrder(store);
    await cancelConfirmed(store, cancelled.id);
    const mailer = start(shop);
    const later = await confirmedOrder(store);
    await processed(mailer, later.position);
    expect(
      sorted(mails(outbox).map((m) => m.order_id)),
      'one mail per OrderConfirmed — also those confirmed before the mailer started (start from the ' +
        'beginning of the log) — and none for OrderCreated or OrderCancelled',
    ).toEqual(sorted([before.id, cancelled.id, later.id]));
    const checkpoint = await store.checkpoints.load(CONFIRMATION_MAILS);
    expect(
      checkpoint?.position,
      `the processor's checkpoint is stored under the id '${CONFIRMATION_MAILS}' and reached the last event`,
    ).toBe(later.position);
  });

  it('restarts from its checkpoint: orders confirmed while it was stopped get their mail, once', async () => {
    const shop = await openShop();
    const { store, outbox } = shop;
    const first = start(shop);
    const early = [await confirmedOrder(store), await confirmedOrder(store)];
    await processed(first, early[1]!.position);
    expect(
      sorted(mails(outbox).map((m) => m.order_id)),
      'while the mailer runs, each order confirmed gets its mail',
    ).toEqual(sorted(early.map((o) => o.id)));
    await first.stop();
    const whileStopped = [await confirmedOrder(store), await confirmedOrder(store)];
    expect(mails(outbox), 'nothing is queued while the mailer is stopped').toHaveLength(2);
    const second = start(shop);
    await processed(second, whileStopped[1]!.position);
    expect(
      sorted(mails(outbox).map((m) => m.order_id)),
      'after the restart: the two mails from before, and one for each order confirmed meanwhile — none skipped, none twice',
    ).toEqual(sorted([...early, ...whileStopped].map((o) => o.id)));
  });

  it('an event delivered again (its checkpoint was lost) sends nothing twice and keeps what was sent', async () => {
    const shop = await openShop();
    const { store, outbox } = shop;
    const first = start(shop);
    const orders = [await confirmedOrder(store), await confirmedOrder(store), await confirmedOrder(store)];
    await processed(first, orders[2]!.position);
    await first.stop();
    sendAll(outbox);
    const sent = mails(outbox);
    expect(sent, 'before the rewind, each of the three confirmed orders has its mail').toHaveLength(3);
    // What a crash between handling and checkpointing does: the processor starts over from an older
    // checkpoint — here from the very start — and hands every event again.
    await store.checkpoints.reset(CONFIRMATION_MAILS, 0n);
    const again = start(shop);
    await processed(again, orders[2]!.position);
    expect(
      again.status().lastError?.message,
      'the repeated events must not fail the handler (a plain INSERT fails on the event_id key)',
    ).toBeUndefined();
    expect(
      mails(outbox),
      'every event came twice, yet the outbox is as it was: the same three mails, still sent, none queued again',
    ).toEqual(sent);
  });

  it('killed in the middle of a batch, a restarted mailer finishes the log: every mail exactly once', async () => {
    const shop = await openShop();
    const { store, outbox } = shop;
    const orders: { id: string; position: bigint }[] = [];
    for (let i = 0; i < 30; i++) orders.push(await confirmedOrder(store));
    const child = startChild(
      fileURLToPath(new URL('./support/confirmation-mails-child.ts', import.meta.url)),
      {
        location: shop.stores.location,
        outboxFile: shop.outboxFile,
        options: { ...FAST, batchSize: 10 },
        crashAtSave: 2,
        head: orders.at(-1)!.position.toString(),
      },
    );
    const { signal } = await child.exited;
    const report =
      signal === 'SIGKILL' ? undefined : await child.next('failed', 'finished').catch(() => undefined);
    expect(report?.error, 'the mailer in the child process failed').toBeUndefined();
    expect(
      signal,
      'the mailer in the child process should handle the 30 orders in batches of 10 (pass the options ' +
        `on) and be killed at its second checkpoint save; it ended with ${report ? 'all done, never getting there' : `signal ${signal}`}, ` +
        `${mails(outbox).length} mails queued`,
    ).toBe('SIGKILL');
    const checkpoint = (await store.checkpoints.load(CONFIRMATION_MAILS))?.position ?? 0n;
    const covered = orders.filter((o) => o.position <= checkpoint).length;
    const queued = mails(outbox).length;
    expect(
      queued,
      `the kill landed between queueing and checkpointing: ${queued} mails queued, the checkpoint covers ${covered}`,
    ).toBeGreaterThan(covered);
    const restarted = start(shop);
    await processed(restarted, orders.at(-1)!.position);
    const rows = mails(outbox);
    expect(
      sorted(rows.map((m) => m.order_id)),
      `after the restart, every one of the 30 orders has exactly one mail (the ${queued - covered} handled ` +
        'but not checkpointed came again and changed nothing)',
    ).toEqual(sorted(orders.map((o) => o.id)));
  });
});
