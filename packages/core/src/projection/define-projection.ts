import type { AggregateEvent } from '../aggregate/aggregate-event';
import { InvalidArgumentError } from '../errors';
import { assertIdentifier, describe } from '../validation/arguments';
import type { ProjectionDefinition, ProjectionDefinitionInput } from './projection-contract';

/** The longest projection, collection or field name: PostgreSQL's identifier limit, so adapters may use them in DDL. */
export const MAX_NAME_LENGTH = 63;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Throws `InvalidArgumentError` unless `value` is a name adapters can use anywhere: an identifier
 * (`/^[A-Za-z_][A-Za-z0-9_]*$/`) of at most {@link MAX_NAME_LENGTH} characters.
 */
export function assertName(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string' || !NAME.test(value) || value.length > MAX_NAME_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `must be an identifier (letters, digits, _; not starting with a digit) of at most ${MAX_NAME_LENGTH} characters, got ${describe(value)}`,
    );
  }
}

const KEYS = new Set(['name', 'version', 'handlers', 'aggregateTypes', 'indexes', 'setup', 'teardown']);

/**
 * Defines a projection: a name, a version, one handler per event type (checked by the compiler
 * against the event union `E`), optional indexes, set-up and teardown. The same definition runs
 * inline (`inlineProjections` in the store options) or async (`startProjection`) on every adapter.
 *
 * @throws InvalidArgumentError on a bad name, a version that is not a positive integer, no handlers
 *   or a handler that is not a function, an unknown option, or a bad index declaration
 *
 * @example
 * ```ts
 * type AccountEvent =
 *   | AggregateEvent<'AccountOpened', { owner: string }>
 *   | AggregateEvent<'MoneyDeposited', { amount: number }>;
 *
 * const balances = defineProjection<AccountEvent>({
 *   name: 'balances',
 *   version: 1,
 *   handlers: {
 *     AccountOpened: (event, { documents }) =>
 *       documents<Balance>('balances').put(event.aggregateId, { owner: event.eventData.owner, balance: 0 }),
 *     MoneyDeposited: async (event, { documents }) => {
 *       const balances = documents<Balance>('balances');
 *       const current = await balances.get(event.aggregateId);
 *       await balances.patch(event.aggregateId, { balance: (current?.balance ?? 0) + event.eventData.amount });
 *     },
 *   },
 * });
 * ```
 */
export function defineProjection<E extends AggregateEvent>(
  definition: ProjectionDefinitionInput<E>,
): ProjectionDefinition<E> {
  if (typeof definition !== 'object' || definition === null) {
    throw new InvalidArgumentError(
      'projection',
      `must be { name, version, handlers }, got ${describe(definition)}`,
    );
  }
  for (const key of Object.keys(definition)) {
    if (!KEYS.has(key)) throw new InvalidArgumentError(`projection.${key}`, 'is not a projection option');
  }
  assertName(definition.name, 'projection.name');
  const { version, handlers, aggregateTypes, indexes, setup, teardown } = definition;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidArgumentError(
      'projection.version',
      `must be a positive integer, got ${describe(version)}`,
    );
  }
  if (typeof handlers !== 'object' || handlers === null || Array.isArray(handlers)) {
    throw new InvalidArgumentError(
      'projection.handlers',
      `must be an object of handlers, got ${describe(handlers)}`,
    );
  }
  const eventTypes = Object.keys(handlers);
  if (eventTypes.length === 0) {
    throw new InvalidArgumentError(
      'projection.handlers',
      'handles no event type: give one handler per event type',
    );
  }
  for (const eventType of eventTypes) {
    assertIdentifier(eventType, 'projection.handlers event type');
    const handler = (handlers as Record<string, unknown>)[eventType];
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError(
        `projection.handlers.${eventType}`,
        `must be a function, got ${describe(handler)} (a handler for nothing)`,
      );
    }
  }
  if (aggregateTypes !== undefined) {
    if (!Array.isArray(aggregateTypes) || aggregateTypes.length === 0) {
      throw new InvalidArgumentError(
        'projection.aggregateTypes',
        'must be a non-empty array of aggregate types',
      );
    }
    for (const [i, type] of aggregateTypes.entries())
      assertIdentifier(type, `projection.aggregateTypes[${i}]`);
  }
  if (indexes !== undefined) {
    if (typeof indexes !== 'object' || indexes === null || Array.isArray(indexes)) {
      throw new InvalidArgumentError('projection.indexes', 'must be { collection: [field, …] }');
    }
    for (const [collection, fields] of Object.entries(indexes)) {
      assertName(collection, 'projection.indexes collection');
      if (!Array.isArray(fields)) {
        throw new InvalidArgumentError(`projection.indexes.${collection}`, 'must be an array of field names');
      }
      for (const [i, field] of fields.entries()) assertName(field, `projection.indexes.${collection}[${i}]`);
    }
  }
  for (const [key, hook] of [
    ['setup', setup],
    ['teardown', teardown],
  ] as const) {
    if (hook !== undefined && typeof hook !== 'function') {
      throw new InvalidArgumentError(`projection.${key}`, `must be a function, got ${describe(hook)}`);
    }
  }
  return Object.freeze({ ...definition, eventTypes: Object.freeze(eventTypes) });
}

/**
 * Throws `InvalidArgumentError` when two definitions share a name and version (two versions of one
 * projection may run side by side during a rebuild), or a value is not a defined projection.
 */
export function assertDistinctProjections(
  definitions: unknown,
  argument: string,
): asserts definitions is readonly ProjectionDefinition[] {
  if (!Array.isArray(definitions)) {
    throw new InvalidArgumentError(argument, `must be an array of projections, got ${describe(definitions)}`);
  }
  const seen = new Set<string>();
  definitions.forEach((definition, i) => {
    if (typeof definition !== 'object' || definition === null || !Array.isArray(definition.eventTypes)) {
      throw new InvalidArgumentError(`${argument}[${i}]`, 'must be a projection made by defineProjection');
    }
    const key = `${definition.name}@${definition.version}`;
    if (seen.has(key)) {
      throw new InvalidArgumentError(
        `${argument}[${i}]`,
        `repeats projection '${definition.name}' version ${definition.version}`,
      );
    }
    seen.add(key);
  });
}
