// docs/relays.md's NATS example is compiled here (the package's typecheck covers this file), and the
// test checks the guide still quotes it line for line, so the guide cannot drift from the API (its
// RabbitMQ example is compiled and run in packages/rabbitmq/test/relays-guide.int.test.ts).
import type { SubscribableEventStore } from '@chronicle/core';
import { it } from 'vitest';
import { expectGuideBlocksIn } from '../../core/test/support/guide-blocks';
import { createJetStreamRelay } from '../src/index';

/** The guide's NATS JetStream example (not run: it names a three-node cluster with credentials). */
export async function relayToCluster(store: SubscribableEventStore) {
  const relay = await createJetStreamRelay(store, {
    id: 'orders-to-nats',
    servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222', 'nats://10.0.0.3:4222'],
    credentials: { user: 'relay', pass: process.env.NATS_PASSWORD ?? '' },
    stream: { name: 'ORDERS', create: true, replicas: 3, duplicateWindowMs: 30 * 60_000 },
    subjectPrefix: 'orders',
  });
  return relay;
}

it('docs/relays.md quotes the compiled examples', () => {
  expectGuideBlocksIn(
    new URL('../../../docs/relays.md', import.meta.url),
    [new URL(import.meta.url), new URL('../../rabbitmq/test/relays-guide.int.test.ts', import.meta.url)],
    2,
  );
});
