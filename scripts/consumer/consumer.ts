// A consumer of the packed packages, compiled outside the workspace with NodeNext and Bundler
// resolution and then run: what an application developer gets from npm.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AggregateEvent,
  createInMemoryEventStore,
  defineDecider,
  type EventStore,
  InvalidArgumentError,
  isConcurrencyError,
} from '@chronicle/core';
import { decodeEventRow, prepareAppend } from '@chronicle/core/adapter';
import { isRelayConfigurationError, RelayConfigurationError } from '@chronicle/core/relay';
import { deciderSpecification } from '@chronicle/core/testing';
import { createJetStreamRelay } from '@chronicle/nats';
import { createPostgresEventStore } from '@chronicle/postgres';
import { createRabbitMqRelay } from '@chronicle/rabbitmq';
import { createSqliteEventStore } from '@chronicle/sqlite';
import amqp from 'amqplib';
import pg from 'pg';

async function exercise(name: string, store: EventStore): Promise<void> {
  const stream = { aggregateType: 'BankAccount', aggregateId: `acc-${Date.now()}` };
  const { nextExpectedVersion } = await store.append(stream, 'no_stream', [
    { eventType: 'AccountOpened', eventData: { owner: 'Ada' } },
    { eventType: 'MoneyDeposited', eventData: { amount: 100 } },
  ]);
  try {
    await store.append(stream, 0, [{ eventType: 'MoneyDeposited', eventData: { amount: 1 } }]);
    throw new Error(`${name}: a stale append was accepted`);
  } catch (error) {
    if (!isConcurrencyError(error) || error.actualVersion !== 2) throw error;
  }
  const events = await store.getEvents(stream.aggregateType, stream.aggregateId);
  const types = events.map((e) => `${e.version}:${e.eventType}`).join(',');
  if (nextExpectedVersion !== 2 || types !== '1:AccountOpened,2:MoneyDeposited') {
    throw new Error(`${name}: read back ${types}`);
  }
  await store.close();
  console.log(`ok ${name}: appended, rejected a stale append, read back ${types}`);
}

// The adapter kit's subpath: its helpers work, and its errors are the root entry's classes.
const decoded = decodeEventRow({
  position: '7',
  eventId: 'e-1',
  aggregateType: 'BankAccount',
  aggregateId: 'acc-1',
  version: 1n,
  eventType: 'AccountOpened',
  schemaVersion: 1,
  eventData: '{"owner":"Ada"}',
  metadata: null,
  occurredAt: 0,
});
if (decoded.position !== 7n || 'metadata' in decoded)
  throw new Error('@chronicle/core/adapter decoded wrongly');
try {
  prepareAppend({ aggregateType: '', aggregateId: 'x' }, 'any', []);
  throw new Error('@chronicle/core/adapter: prepareAppend accepted a blank aggregate type');
} catch (error) {
  if (!(error instanceof InvalidArgumentError)) throw error;
}
console.log('ok @chronicle/core/adapter (ESM): decodes a row; its errors are @chronicle/core classes');

await exercise('in-memory', createInMemoryEventStore());
// The testing entry, as an application's test would use it.
const counter = defineDecider({
  initialState: () => 0,
  evolve: { Counted: (count: number) => count + 1 },
  decide: (_command: 'count', _count: number): AggregateEvent<'Counted', null>[] => [
    { eventType: 'Counted', eventData: null },
  ],
});
deciderSpecification(counter)
  .given([])
  .when('count')
  .then([{ eventType: 'Counted', eventData: null }]);
console.log('ok @chronicle/core/testing: a decider specification passed');

// The NATS relay refuses an unreachable server with core's RelayConfigurationError (one shared class).
const relayError = await createJetStreamRelay(createInMemoryEventStore(), {
  id: 'smoke',
  servers: 'nats://127.0.0.1:1',
  stream: { name: 'SMOKE' },
  connectTimeoutMs: 1_000,
}).catch((error: unknown) => error);
if (!(relayError instanceof RelayConfigurationError) || !isRelayConfigurationError(relayError)) {
  throw new Error(`@chronicle/nats: expected a RelayConfigurationError, got ${String(relayError)}`);
}
console.log(
  'ok @chronicle/nats: an unreachable server is a RelayConfigurationError from @chronicle/core/relay',
);
const sqliteFile = join(tmpdir(), `chronicle-consumer-${process.pid}.db`);
try {
  await exercise('sqlite', createSqliteEventStore({ filename: sqliteFile }));
} finally {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${sqliteFile}${suffix}`, { force: true });
}

const url = process.env.CHRONICLE_PG_URL;
if (url !== undefined) {
  const schema = `consumer_${process.pid}`;
  const store = createPostgresEventStore({ connectionString: url, schema });
  await store.migrate();
  try {
    await exercise('postgres', store);
  } finally {
    // Leave nothing behind in the shared database.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
} else if (process.env.CI === 'true') {
  throw new Error('CHRONICLE_PG_URL is not set: the PostgreSQL consumer check cannot run');
} else {
  console.log('skipped postgres: CHRONICLE_PG_URL is not set');
}

// The RabbitMQ relay as installed: one event reaches a bound queue with its id as message-id, and a
// missing exchange is a RelayConfigurationError from @chronicle/core/relay.
const rabbitUrl = process.env.CHRONICLE_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const rabbit = await amqp.connect(rabbitUrl).catch((error: unknown) => error as Error);
if (rabbit instanceof Error) {
  if (process.env.CI === 'true') throw new Error(`RabbitMQ is unreachable: ${rabbit.message}`);
  console.log(`skipped rabbitmq: ${rabbit.message}`);
} else {
  const exchange = `rabbitrelay-consumer-${process.pid}`;
  const channel = await rabbit.createChannel();
  try {
    await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, '#');
    const store = createInMemoryEventStore();
    const missing = await createRabbitMqRelay(store, {
      id: 'smoke',
      url: rabbitUrl,
      exchange: `${exchange}-missing`,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!isRelayConfigurationError(missing)) throw new Error(`a missing exchange gave ${String(missing)}`);
    const relay = await createRabbitMqRelay(store, { id: 'smoke', url: rabbitUrl, exchange });
    const { lastPosition } = await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'any', [
      { eventId: 'smoke-event-1', eventType: 'OrderPlaced', eventData: { total: 42 } },
    ]);
    await relay.whenRelayed(lastPosition);
    await relay.stop();
    const message = await channel.get(queue, { noAck: true });
    if (
      message === false ||
      message.properties.messageId !== 'smoke-event-1' ||
      message.fields.routingKey !== 'Order.OrderPlaced'
    )
      throw new Error('@chronicle/rabbitmq: the relayed message did not arrive as expected');
    console.log(
      'ok @chronicle/rabbitmq: relayed an event to a queue; a missing exchange is a RelayConfigurationError',
    );
  } finally {
    await channel.deleteExchange(exchange).catch(() => undefined);
    await rabbit.close();
  }
}
