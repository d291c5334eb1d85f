import { describe, expect, it } from 'vitest';
import {
  createEventTypeRegistry,
  createInMemoryEventStore,
  type EventTypeDefinition,
  EventValidationError,
  InvalidArgumentError,
  isEventValidationError,
  type NewEvent,
} from '../src/index';

const account = { aggregateType: 'BankAccount', aggregateId: 'acc-1' };

const moneyDeposited: EventTypeDefinition = {
  eventType: 'MoneyDeposited',
  aggregateType: 'BankAccount',
  schemaVersion: 1,
  description: 'Money was paid into the account',
  schema: {
    type: 'object',
    properties: {
      amount: { type: 'number', exclusiveMinimum: 0 },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    },
    required: ['amount', 'currency'],
    additionalProperties: false,
  },
};

const orderPlaced: EventTypeDefinition = {
  eventType: 'OrderPlaced',
  aggregateType: 'Order',
  schemaVersion: 1,
  schema: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
          required: ['sku', 'quantity'],
        },
      },
    },
    required: ['items'],
  },
};

async function appendRejected(
  registry: ReturnType<typeof createEventTypeRegistry>,
  events: NewEvent[],
  stream = account,
): Promise<EventValidationError> {
  const store = createInMemoryEventStore({ registry });
  const error = await store.append(stream, 'any', events).catch((e: unknown) => e);
  expect(isEventValidationError(error)).toBe(true);
  expect(store.size).toBe(0);
  expect(await store.getStreamVersion(stream)).toBe(0);
  return error as EventValidationError;
}

describe('createEventTypeRegistry', () => {
  it('keeps every definition, description included', () => {
    const registry = createEventTypeRegistry({ definitions: [moneyDeposited, orderPlaced] });
    expect(registry.definitions()).toEqual([moneyDeposited, orderPlaced]);
    expect(registry.definitions()[0]?.description).toBe('Money was paid into the account');
  });

  it('lets valid events through to the store', async () => {
    const store = createInMemoryEventStore({
      registry: createEventTypeRegistry({ definitions: [moneyDeposited] }),
    });
    await store.append(account, 'no_stream', [
      { eventType: 'MoneyDeposited', eventData: { amount: 10, currency: 'EUR' } },
    ]);
    expect(await store.getStreamVersion(account)).toBe(1);
  });

  it('lists EVERY violation of EVERY event with its JSON Pointer, and writes nothing', async () => {
    const registry = createEventTypeRegistry({ definitions: [moneyDeposited] });
    const error = await appendRejected(registry, [
      { eventType: 'MoneyDeposited', eventData: { amount: 10, currency: 'EUR' } },
      { eventType: 'MoneyDeposited', eventData: { amount: -5, currency: 'euro', note: 'x' } },
      { eventType: 'MoneyDeposited', eventData: { currency: 'USD' } },
      { eventType: 'MoneyDeposited', eventData: 'ten dollars' },
    ]);
    expect(error).toBeInstanceOf(EventValidationError);
    const found = error.violations.map((v) => [v.index, v.eventType, v.path]);
    expect(found).toEqual(
      expect.arrayContaining([
        [1, 'MoneyDeposited', '/amount'],
        [1, 'MoneyDeposited', '/currency'],
        [1, 'MoneyDeposited', '/note'],
        [2, 'MoneyDeposited', '/amount'],
        [3, 'MoneyDeposited', ''],
      ]),
    );
    expect(error.violations).toHaveLength(5);
    expect(error.violations.find((v) => v.index === 2)?.message).toBe('is required');
    expect(error.violations.find((v) => v.path === '/note')?.message).toBe('is not allowed');
    expect(error.message).toContain('#1 MoneyDeposited /amount');
    expect(error.message).toContain('#2 MoneyDeposited /amount: is required');
  });

  it('points into nested data, escaping ~ and / in property names', async () => {
    const registry = createEventTypeRegistry({
      definitions: [
        orderPlaced,
        {
          eventType: 'Tagged',
          aggregateType: 'BankAccount',
          schemaVersion: 1,
          schema: { type: 'object', required: ['a/b', 'c~d'] },
        },
      ],
    });
    const order = await appendRejected(
      registry,
      [
        {
          eventType: 'OrderPlaced',
          eventData: {
            items: [
              { sku: 'A', quantity: 1 },
              { sku: 7, quantity: 0 },
            ],
          },
        },
      ],
      { aggregateType: 'Order', aggregateId: 'o-1' },
    );
    expect(order.violations.map((v) => v.path).sort()).toEqual(['/items/1/quantity', '/items/1/sku']);
    const tagged = await appendRejected(registry, [{ eventType: 'Tagged', eventData: {} }]);
    expect(tagged.violations.map((v) => v.path).sort()).toEqual(['/a~1b', '/c~0d']);
  });

  it('rejects an event type bound to another aggregate type, even with valid data', async () => {
    const registry = createEventTypeRegistry({ definitions: [moneyDeposited, orderPlaced] });
    const error = await appendRejected(
      registry,
      [{ eventType: 'MoneyDeposited', eventData: { amount: 1, currency: 'USD' } }],
      { aggregateType: 'Order', aggregateId: 'o-1' },
    );
    expect(error.violations).toEqual([
      {
        index: 0,
        eventType: 'MoneyDeposited',
        path: '',
        message: 'belongs to aggregate type BankAccount, not Order',
      },
    ]);
  });

  it('rejects unknown event types by default, and lets them through with unknownEventTypes: allow', async () => {
    const event: NewEvent = { eventType: 'InterestAccrued', eventData: { anything: true } };
    const rejecting = createEventTypeRegistry({ definitions: [moneyDeposited] });
    const error = await appendRejected(rejecting, [event]);
    expect(error.violations).toEqual([
      { index: 0, eventType: 'InterestAccrued', path: '', message: 'is not a registered event type' },
    ]);
    const allowing = createEventTypeRegistry({ definitions: [moneyDeposited], unknownEventTypes: 'allow' });
    const store = createInMemoryEventStore({ registry: allowing });
    await store.append(account, 'no_stream', [event]);
    expect(store.size).toBe(1);
  });

  it('rejects an unregistered schema version of a known type, even when unknown types are allowed', async () => {
    const registry = createEventTypeRegistry({
      definitions: [moneyDeposited, { ...moneyDeposited, schemaVersion: 2, schema: { type: 'object' } }],
      unknownEventTypes: 'allow',
    });
    const error = await appendRejected(registry, [
      { eventType: 'MoneyDeposited', schemaVersion: 3, eventData: { amount: 1 } },
    ]);
    expect(error.violations[0]?.message).toBe('schema version 3 is not registered (registered: v1, v2)');
    // Version 2 has its own schema.
    const store = createInMemoryEventStore({ registry });
    await store.append(account, 'no_stream', [
      { eventType: 'MoneyDeposited', schemaVersion: 2, eventData: {} },
    ]);
    expect(store.size).toBe(1);
  });

  it('compiles each schema once, from its own copy: changing the caller\u2019s object later changes nothing', async () => {
    const schema = { type: 'object', required: ['amount'] } as Record<string, unknown>;
    const registry = createEventTypeRegistry({
      definitions: [{ eventType: 'MoneyDeposited', aggregateType: 'BankAccount', schemaVersion: 1, schema }],
    });
    schema.required = ['somethingElse'];
    const store = createInMemoryEventStore({ registry });
    await store.append(account, 'no_stream', [{ eventType: 'MoneyDeposited', eventData: { amount: 1 } }]);
    expect(registry.definitions()[0]?.schema).toEqual({ type: 'object', required: ['amount'] });
  });

  it('speaks draft 2020-12 by default and draft-07 when the schema says so', async () => {
    const registry = createEventTypeRegistry({
      definitions: [
        {
          eventType: 'PointMoved',
          aggregateType: 'Shape',
          schemaVersion: 1,
          schema: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false },
        },
        {
          eventType: 'PointMoved',
          aggregateType: 'Shape',
          schemaVersion: 2,
          schema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            definitions: { coordinate: { type: 'number' } },
            type: 'array',
            items: [{ $ref: '#/definitions/coordinate' }, { $ref: '#/definitions/coordinate' }],
            additionalItems: false,
          },
        },
      ],
    });
    const shape = { aggregateType: 'Shape', aggregateId: 's-1' };
    const store = createInMemoryEventStore({ registry });
    await store.append(shape, 'no_stream', [
      { eventType: 'PointMoved', schemaVersion: 1, eventData: [1, 2] },
      { eventType: 'PointMoved', schemaVersion: 2, eventData: [3, 4] },
    ]);
    for (const schemaVersion of [1, 2]) {
      const error = await appendRejected(
        registry,
        [{ eventType: 'PointMoved', schemaVersion, eventData: [1, 'x', 3] }],
        shape,
      );
      expect(error.violations.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('accepts custom formats, and refuses a schema naming an unknown one', async () => {
    const currency: EventTypeDefinition = {
      ...moneyDeposited,
      schema: { type: 'object', properties: { currency: { type: 'string', format: 'iso-currency' } } },
    };
    expect(() => createEventTypeRegistry({ definitions: [currency] })).toThrow(/iso-currency/);
    const registry = createEventTypeRegistry({
      definitions: [currency],
      formats: { 'iso-currency': /^[A-Z]{3}$/ },
    });
    const error = await appendRejected(registry, [
      { eventType: 'MoneyDeposited', eventData: { currency: 'usd' } },
    ]);
    expect(error.violations.map((v) => v.path)).toEqual(['/currency']);
    const byFunction = createEventTypeRegistry({
      definitions: [currency],
      formats: { 'iso-currency': (value) => value === 'EUR' },
    });
    await appendRejected(byFunction, [{ eventType: 'MoneyDeposited', eventData: { currency: 'USD' } }]);
  });

  it('rejects malformed, duplicate, conflicting or uncompilable definitions with InvalidArgumentError', () => {
    const cases: [unknown, RegExp][] = [
      [{ definitions: 'nope' }, /definitions/],
      [{ definitions: [], unknownEventTypes: 'maybe' }, /unknownEventTypes/],
      [{ definitions: [null] }, /definitions\[0\]/],
      [{ definitions: [{ ...moneyDeposited, eventType: '' }] }, /definitions\[0\]\.eventType/],
      [{ definitions: [{ ...moneyDeposited, schemaVersion: 0 }] }, /schemaVersion/],
      [{ definitions: [{ ...moneyDeposited, schema: [] }] }, /schema must be a JSON Schema object/],
      [{ definitions: [{ ...moneyDeposited, description: 5 }] }, /description/],
      [{ definitions: [moneyDeposited, { ...moneyDeposited }] }, /registers MoneyDeposited v1 a second time/],
      [
        { definitions: [moneyDeposited, { ...moneyDeposited, schemaVersion: 2, aggregateType: 'Savings' }] },
        /already bound to BankAccount/,
      ],
      [{ definitions: [{ ...moneyDeposited, schema: { type: 'nope' } }] }, /does not compile/],
      [{ definitions: [{ ...moneyDeposited, schema: { type: 'object', requird: ['a'] } }] }, /requird/],
      [{ definitions: [], formats: { x: 'not a format' } }, /formats\.x/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        createEventTypeRegistry(options as Parameters<typeof createEventTypeRegistry>[0]);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(InvalidArgumentError);
      expect(String((error as Error).message)).toMatch(message);
    }
  });

  it('validates the whole batch before writing: one bad event keeps the good ones out too', async () => {
    const registry = createEventTypeRegistry({ definitions: [moneyDeposited] });
    const store = createInMemoryEventStore({ registry });
    await store.append(account, 'no_stream', [
      { eventType: 'MoneyDeposited', eventData: { amount: 1, currency: 'USD' } },
    ]);
    await expect(
      store.append(account, 1, [
        { eventType: 'MoneyDeposited', eventData: { amount: 2, currency: 'USD' } },
        { eventType: 'MoneyDeposited', eventData: { amount: 0, currency: 'USD' } },
      ]),
    ).rejects.toBeInstanceOf(EventValidationError);
    expect(await store.getStreamVersion(account)).toBe(1);
    expect(store.size).toBe(1);
  });
});
