import {
  type DomainEvent,
  type EventTypeDefinition,
  type EventTypeRegistry,
  EventValidationError,
  isEventValidationError,
  type Upcaster,
} from '@chronicle/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('options');
afterAll(() => temp.cleanup());

const stream = { aggregateType: 'Order', aggregateId: 'o-1' };

/** A registry that requires `eventData.total` to be a number on `OrderPlaced`. */
function registryOf(definitions: EventTypeDefinition[]): EventTypeRegistry {
  return {
    definitions: () => definitions,
    validate(_stream, events) {
      const violations = events.flatMap((event, index) =>
        event.eventType === 'OrderPlaced' &&
        typeof (event.eventData as { total?: unknown }).total !== 'number'
          ? [{ index, eventType: event.eventType, path: '/total', message: 'must be number' }]
          : [],
      );
      if (violations.length > 0) throw new EventValidationError(violations);
    },
  };
}

const orderPlaced: EventTypeDefinition = {
  eventType: 'OrderPlaced',
  aggregateType: 'Order',
  schemaVersion: 2,
  schema: { type: 'object', required: ['total'] },
  description: 'A customer placed an order',
};

describe('event-type registry', () => {
  it('keeps the registered definitions in event_types, updating changed ones on open', async () => {
    const filename = temp.file();
    await createSqliteEventStore({ filename, registry: registryOf([orderPlaced]) }).close();
    const changed = { ...orderPlaced, description: 'Placed by a customer' };
    const shipped = { eventType: 'OrderShipped', aggregateType: 'Order', schemaVersion: 1, schema: {} };
    await createSqliteEventStore({ filename, registry: registryOf([changed, shipped]) }).close();
    const raw = new Database(filename, { readonly: true });
    const rows = raw
      .prepare(
        'SELECT event_type, schema_version, aggregate_type, json_schema, description FROM event_types ORDER BY 1',
      )
      .all();
    raw.close();
    expect(rows).toEqual([
      {
        event_type: 'OrderPlaced',
        schema_version: 2,
        aggregate_type: 'Order',
        json_schema: '{"type":"object","required":["total"]}',
        description: 'Placed by a customer',
      },
      {
        event_type: 'OrderShipped',
        schema_version: 1,
        aggregate_type: 'Order',
        json_schema: '{}',
        description: null,
      },
    ]);
  });

  it('validates appends: a violation writes nothing and lists the problem', async () => {
    const store = createSqliteEventStore({ filename: ':memory:', registry: registryOf([orderPlaced]) });
    const error = await store
      .append(stream, 'no_stream', [
        { eventType: 'OrderPlaced', eventData: { total: 5 } },
        { eventType: 'OrderPlaced', eventData: { total: 'five' } },
      ])
      .catch((e: unknown) => e);
    expect(isEventValidationError(error)).toBe(true);
    expect((error as EventValidationError).violations).toEqual([
      { index: 1, eventType: 'OrderPlaced', path: '/total', message: 'must be number' },
    ]);
    expect(await store.getStreamVersion(stream)).toBe(0);
    await store.close();
  });
});

describe('upcasters', () => {
  const upcasters: Upcaster[] = [
    {
      eventType: 'OrderPlaced',
      fromSchemaVersion: 1,
      upcast: (event: DomainEvent) => ({ ...(event.eventData as object), currency: 'EUR' }),
    },
    {
      eventType: 'OrderPlaced',
      fromSchemaVersion: 2,
      toEventType: 'OrderSubmitted',
      upcast: (event: DomainEvent) => ({ ...(event.eventData as object), v3: true }),
    },
  ];
  const latest = {
    eventType: 'OrderSubmitted',
    schemaVersion: 3,
    eventData: { total: 1, currency: 'EUR', v3: true },
  };

  it('apply on every read path, and the stored rows stay as written', async () => {
    const database = new Database(':memory:');
    const store = createSqliteEventStore({ database, upcasters });
    await store.append(stream, 'no_stream', [{ eventType: 'OrderPlaced', eventData: { total: 1 } }]);
    const reads: DomainEvent[] = [
      ...(await store.getEvents(stream.aggregateType, stream.aggregateId)),
      // Type filters apply to the upcast type: the renamed type is found by its new name.
      ...(await store.getEventsByType('OrderSubmitted')),
      ...(await store.getAllEvents()),
      ...(await store.getAllEvents('Order')),
    ];
    for await (const event of store.readStream(stream)) reads.push(event);
    for await (const event of store.readStream(stream, { direction: 'backward' })) reads.push(event);
    for await (const event of store.readAll({ eventTypes: ['OrderSubmitted'] })) reads.push(event);
    expect(reads).toHaveLength(7);
    expect(await store.getEventsByType('OrderPlaced')).toEqual([]);
    for await (const event of store.readAll({ eventTypes: ['OrderPlaced'] }))
      expect.unreachable(event.eventType);
    for (const event of reads) expect(event).toMatchObject(latest);
    expect(database.prepare('SELECT event_type, schema_version, event_data FROM events').get()).toEqual({
      event_type: 'OrderPlaced',
      schema_version: 1,
      event_data: '{"total":1}',
    });
    await store.close();
    database.close();
  });

  it('are validated when the store is created', () => {
    const duplicate = [upcasters[0]!, upcasters[0]!];
    expect(() => createSqliteEventStore({ filename: ':memory:', upcasters: duplicate })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('clock', () => {
  it('stamps occurredAt when an event has none', async () => {
    const now = new Date('2030-01-02T03:04:05.678Z');
    const store = createSqliteEventStore({ filename: ':memory:', clock: () => now });
    await store.append(stream, 'no_stream', [{ eventType: 'OrderPlaced', eventData: { total: 1 } }]);
    const [event] = await store.getEvents(stream.aggregateType, stream.aggregateId);
    expect(event!.occurredAt).toEqual(now);
    await store.close();
  });
});
