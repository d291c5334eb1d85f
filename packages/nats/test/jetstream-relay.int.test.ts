// createJetStreamRelay end to end on the shared server and a real SQLite file: what a consumer gets,
// one active relay per id, a rewound checkpoint whose re-sends the stream drops, and a bad
// configuration that marks nothing as relayed.
import { join } from 'node:path';
import { createSqliteEventStore } from '@chronicle/sqlite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createJetStreamRelay, isRelayConfigurationError } from '../src/index';
import { uniqueNames } from './support/fixtures';
import { tempDirectory, useSharedNatsServer } from './support/nats-server';
import { deliveryReport, readStream } from './support/stream-contents';
import { allEventIds, appendInterleaved } from './support/workload';

const shared = useSharedNatsServer({ beforeAll, afterAll });
const newStore = (label: string) =>
  createSqliteEventStore({ filename: join(tempDirectory(label), 'events.db'), pollIntervalMs: 10 });

it('relays every event to its subject with the Chronicle headers, and reports its status', async () => {
  const { stream, prefix } = uniqueNames('relay');
  shared.track(stream);
  const store = newStore('relay');
  await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'no_stream', [
    { eventType: 'OrderPlaced', eventData: { total: 5 }, metadata: { tenant: 't' } },
    { eventType: 'OrderPaid', eventData: { total: 5 } },
  ]);
  const relay = await createJetStreamRelay(store, {
    id: 'orders',
    servers: shared.url(),
    stream: { name: stream, create: true },
    subjectPrefix: prefix,
  });
  await relay.whenRelayed(2n);
  expect(relay.status()).toMatchObject({
    transport: 'nats',
    connected: true,
    checkpoint: 2n,
    lag: 0n,
    inFlight: 0,
  });
  await relay.stop();
  expect(relay.status().connected).toBe(false);
  await store.close();
  const stored = await readStream(shared.url(), stream);
  expect(stored.map((m) => m.subject)).toEqual([`${prefix}.Order.OrderPlaced`, `${prefix}.Order.OrderPaid`]);
  expect(stored[0]?.headers).toMatchObject({
    'chronicle-version': '1',
    'chronicle-metadata': '{"tenant":"t"}',
  });
});

it('runs one active relay per id; a rewound checkpoint re-sends what the stream then drops', async () => {
  const { stream, prefix } = uniqueNames('lease');
  shared.track(stream);
  const store = newStore('lease');
  const head = await appendInterleaved(store, 300);
  const options = {
    id: 'lease',
    servers: shared.url(),
    stream: { name: stream, create: true },
    subjectPrefix: prefix,
    batchSize: 50,
    leaseTtlMs: 1_000,
  };
  const [a, b] = await Promise.all([
    createJetStreamRelay(store, options),
    createJetStreamRelay(store, options),
  ]);
  await a.whenRelayed(head);
  await b.whenRelayed(head);
  const states = [a.status().state, b.status().state].sort();
  expect(states).toEqual(['live', 'standby']);
  expect(a.status().confirmed + b.status().confirmed).toBe(300);
  // The operator rewinds the checkpoint: the active relay re-sends all 300; JetStream drops them.
  const active = a.status().state === 'live' ? a : b;
  await Promise.all([a.stop(), b.stop()]);
  await store.checkpoints.reset('lease', 0n);
  const again = await createJetStreamRelay(store, options);
  await again.whenRelayed(head);
  expect(again.status().confirmed).toBe(300);
  await again.stop();
  expect(active.status().state).toBe('stopped');
  const report = deliveryReport(await allEventIds(store), await readStream(shared.url(), stream));
  await store.close();
  expect(report).toMatchObject({ stored: 300, duplicates: 0, missing: 0, outOfOrder: 0 });
});

it('a stream that contradicts the options fails to start and leaves no checkpoint', async () => {
  const { stream, prefix } = uniqueNames('badconfig');
  shared.track(stream);
  const store = newStore('badconfig');
  await appendInterleaved(store, 10);
  const first = await createJetStreamRelay(store, {
    id: 'first',
    servers: shared.url(),
    stream: { name: stream, create: true, duplicateWindowMs: 60_000 },
    subjectPrefix: prefix,
  });
  await first.stop();
  const error = await createJetStreamRelay(store, {
    id: 'second',
    servers: shared.url(),
    stream: { name: stream, duplicateWindowMs: 300_000 },
    subjectPrefix: prefix,
  }).catch((e: unknown) => e);
  expect(isRelayConfigurationError(error)).toBe(true);
  expect(error).toMatchObject({ setting: 'stream.duplicateWindowMs' });
  expect(await store.checkpoints.load('second')).toBeUndefined();
  await store.close();
});
