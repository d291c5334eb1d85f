/**
 * The examples of docs/subscriptions.md, run for real. The last test checks that every TypeScript
 * block of the guide appears here line for line (imports aside), so the guide cannot drift.
 */
import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore, type DomainEvent, replayParked, startProcessor } from '../src/index';
import { expectGuideBlocksIn } from './support/guide-blocks';

/** A stand-in for an email service that deduplicates on a key, as real ones (and queues) offer. */
function createMailer() {
  const delivered = new Map<string, string>();
  let down = false;
  return {
    delivered,
    setDown(value: boolean) {
      down = value;
    },
    async send(message: { idempotencyKey: string; to: string }) {
      if (down) throw new Error('mail server unavailable');
      delivered.set(message.idempotencyKey, message.to);
    },
  };
}

const acc = (id: string) => ({ aggregateType: 'BankAccount', aggregateId: id });

describe('docs/subscriptions.md', () => {
  it('follows the log with subscribe', async () => {
    const store = createInMemoryEventStore();
    await store.append(acc('acc-1'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 100 } },
    ]);
    const deposits: number[] = [];

    const controller = new AbortController();
    const batches = store.subscribe({
      from: 'start',
      filter: { eventTypes: ['MoneyDeposited'] },
      signal: controller.signal,
    });
    for await (const batch of batches) {
      for (const event of batch.events) deposits.push((event.eventData as { amount: number }).amount);
      if (batch.caughtUp) controller.abort(); // a one-off catch-up; leave it running to stay live
    }

    expect(deposits).toEqual([100]);
  });

  it('runs an idempotent processor, waits for it, reads its status and stops it', async () => {
    const store = createInMemoryEventStore();
    const mailer = createMailer();

    const welcome = startProcessor(store, {
      id: 'welcome-emails',
      filter: { eventTypes: ['AccountOpened'] },
      async handle(event) {
        // At-least-once: after a crash this event may come again. The key makes a repeat harmless.
        await mailer.send({ idempotencyKey: event.eventId, to: event.aggregateId });
      },
    });

    const { lastPosition } = await store.append(acc('acc-1'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
    ]);
    await welcome.whenProcessed(lastPosition, { timeoutMs: 5_000 });

    const { state, checkpoint, lag, lastError, parked } = welcome.status();
    console.log(`${welcome.id}: ${state}, checkpoint ${checkpoint}, lag ${lag}, parked ${parked}`);
    if (lastError) console.error(lastError);

    await welcome.stop(); // finishes the event in hand, saves the checkpoint, releases the lease

    expect([...mailer.delivered.values()]).toEqual(['acc-1']);
    expect(state).toBe('live');
    expect(lag).toBe(0n);
    expect(lastError).toBeUndefined();
  });

  it('parks a failing event and replays it later', async () => {
    const store = createInMemoryEventStore();
    const mailer = createMailer();
    mailer.setDown(true);
    const sendWelcome = async (event: DomainEvent) => {
      await mailer.send({ idempotencyKey: event.eventId, to: event.aggregateId });
    };

    const welcome = startProcessor(store, {
      id: 'welcome-emails',
      filter: { eventTypes: ['AccountOpened'] },
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 },
      onFailure: 'park',
      handle: sendWelcome,
    });

    const { lastPosition } = await store.append(acc('acc-2'), 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Grace' } },
    ]);
    await welcome.whenProcessed(lastPosition, { timeoutMs: 10_000 });
    expect(welcome.status().parked).toBe(1);
    mailer.setDown(false);

    for (const p of await store.checkpoints.listParked('welcome-emails')) {
      console.log(`parked: ${p.eventType} at ${p.position} after ${p.attempts} attempts: ${p.error}`);
    }
    const { replayed, failed } = await replayParked(store, 'welcome-emails', sendWelcome);

    expect(replayed).toEqual([lastPosition]);
    expect(failed).toEqual([]);
    expect([...mailer.delivered.values()]).toEqual(['acc-2']);
    await welcome.stop();
  });

  it('rewinds a processor for a rebuild', async () => {
    const store = createInMemoryEventStore();
    await store.checkpoints.save('balances', 10n, { expected: undefined });

    // Stop every instance of the processor first; then:
    await store.checkpoints.reset('balances', 0n);

    expect((await store.checkpoints.load('balances'))?.position).toBe(0n);
  });

  it('shows every TypeScript block of the guide here', () => {
    expectGuideBlocksIn(
      new URL('../../../docs/subscriptions.md', import.meta.url),
      new URL(import.meta.url),
      5,
    );
  });
});
