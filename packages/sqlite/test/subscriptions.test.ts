// SQLite's own part of subscriptions: commits through another connection to the same file are seen
// live (PRAGMA data_version), and the poll interval is validated.
import { type EventBatch, isInvalidArgumentError } from '@chronicle/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('subscriptions');
afterAll(() => temp.cleanup());

describe('SQLite subscriptions', () => {
  it('deliver commits made through another connection to the same file, live', {
    timeout: 30_000,
  }, async () => {
    const filename = temp.file('live');
    const reader = createSqliteEventStore({ filename, pollIntervalMs: 5 });
    const writer = createSqliteEventStore({ filename });
    const controller = new AbortController();
    const batches: EventBatch[] = [];
    let caughtUp = false;
    const following = (async () => {
      for await (const batch of reader.subscribe({ signal: controller.signal })) {
        batches.push(batch);
        caughtUp ||= batch.caughtUp;
      }
    })();
    while (!caughtUp) await new Promise((resolve) => setTimeout(resolve, 5));
    const { lastPosition } = await writer.append({ aggregateType: 'A', aggregateId: '1' }, 'no_stream', [
      { eventType: 'Written', eventData: { by: 'the other connection' } },
    ]);
    while (!batches.some((b) => b.events.some((e) => e.position === lastPosition))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    await following;
    expect(batches.flatMap((b) => b.events.map((e) => e.eventType))).toEqual(['Written']);
    await Promise.all([reader.close(), writer.close()]);
  });

  it('reject a poll interval that is not a positive integer', () => {
    for (const pollIntervalMs of [0, -1, 1.5, '50']) {
      let error: unknown;
      try {
        createSqliteEventStore({ filename: ':memory:', pollIntervalMs: pollIntervalMs as number });
      } catch (thrown) {
        error = thrown;
      }
      expect(isInvalidArgumentError(error), `pollIntervalMs ${String(pollIntervalMs)}`).toBe(true);
    }
  });
});
