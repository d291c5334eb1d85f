import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
// With its extension: ajv has no `exports` map, so Node's ESM loader needs the file's exact name.
import Ajv2020 from 'ajv/dist/2020.js';
import type AjvCore from 'ajv/dist/core';
import type { EventTypeDefinition, EventTypeRegistry } from '../contract/registry';
import type { StreamRef } from '../contract/types';
import { EventValidationError, type EventViolation, InvalidArgumentError } from '../errors';
import type { PreparedEvent } from '../validation/arguments';
import { assertIdentifier, assertPositiveInteger } from '../validation/arguments';
import { assertJsonValue } from '../validation/json';

/** A custom string format for JSON Schema's `format` keyword: a pattern or a test. */
export type StringFormat = RegExp | ((value: string) => boolean);

/** Options of {@link createEventTypeRegistry}. */
export interface EventTypeRegistryOptions {
  /** The registered event types; one definition per `eventType` and `schemaVersion`. */
  readonly definitions: readonly EventTypeDefinition[];
  /**
   * What to do with an event whose type is not registered at all: `'reject'` (default) makes it a
   * violation, `'allow'` lets it through unchecked. A registered type with an unregistered schema
   * version is always a violation.
   */
  readonly unknownEventTypes?: 'reject' | 'allow';
  /**
   * String formats the schemas may use with `format` (e.g. `{ 'iso-currency': /^[A-Z]{3}$/ }`). No
   * format is built in; a schema that names an unknown one is rejected when the registry is built.
   */
  readonly formats?: Readonly<Record<string, StringFormat>>;
}

/**
 * Every violation, not the first; a schema with an unknown keyword or format is refused (a typo would
 * otherwise validate nothing); no console logging about loosely typed schemas.
 */
const AJV_OPTIONS = {
  allErrors: true,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
} as const;

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

const keyOf = (eventType: string, schemaVersion: number): string => `${schemaVersion}\u0000${eventType}`;

/**
 * Builds an {@link EventTypeRegistry}: the lesson's `event_types` table, enforced. Pass it to a store
 * factory as `registry` and every append is checked before anything is written: each event's data
 * against the JSON Schema of its type and schema version (Ajv, every schema compiled once, here), and
 * its type against the aggregate type it is bound to. One `EventValidationError` lists **every**
 * violation of the batch, each with the event's index and a JSON Pointer into its data.
 *
 * Schemas are draft 2020-12 unless they declare `"$schema": "http://json-schema.org/draft-07/schema#"`.
 *
 * @throws InvalidArgumentError when a definition is malformed or duplicated, an event type is bound to
 *   two aggregate types, or a schema does not compile
 *
 * @example
 * ```ts
 * const registry = createEventTypeRegistry({
 *   definitions: [{
 *     eventType: 'MoneyDeposited',
 *     aggregateType: 'BankAccount',
 *     schemaVersion: 1,
 *     description: 'Money was paid into the account',
 *     schema: {
 *       type: 'object',
 *       properties: { amount: { type: 'number', exclusiveMinimum: 0 } },
 *       required: ['amount'],
 *       additionalProperties: false,
 *     },
 *   }],
 * });
 * const store = createInMemoryEventStore({ registry });
 * ```
 */
export function createEventTypeRegistry(options: EventTypeRegistryOptions): EventTypeRegistry {
  const { definitions, unknownEventTypes = 'reject', formats = {} } = options ?? {};
  if (!Array.isArray(definitions)) {
    throw new InvalidArgumentError('options.definitions', 'must be an array of event type definitions');
  }
  if (unknownEventTypes !== 'reject' && unknownEventTypes !== 'allow') {
    throw new InvalidArgumentError(
      'options.unknownEventTypes',
      `must be 'reject' or 'allow', got ${String(unknownEventTypes)}`,
    );
  }
  validateFormats(formats);
  // Built on first use: an Ajv instance compiles its meta-schemas, which takes a while.
  let draft2020: AjvCore | undefined;
  let draft07: AjvCore | undefined;
  const ajvFor = (schema: Record<string, unknown>): AjvCore => {
    if (typeof schema.$schema === 'string' && DRAFT_07.test(schema.$schema)) {
      draft07 ??= configure(new Ajv(AJV_OPTIONS), formats);
      return draft07;
    }
    draft2020 ??= configure(new Ajv2020(AJV_OPTIONS), formats);
    return draft2020;
  };

  const validators = new Map<string, ValidateFunction>();
  const aggregateTypeOf = new Map<string, string>();
  const versionsOf = new Map<string, number[]>();
  const stored: EventTypeDefinition[] = [];

  definitions.forEach((definition: EventTypeDefinition, i) => {
    const argument = `options.definitions[${i}]`;
    const copy = normalise(definition, argument);
    const key = keyOf(copy.eventType, copy.schemaVersion);
    if (validators.has(key)) {
      throw new InvalidArgumentError(
        argument,
        `registers ${copy.eventType} v${copy.schemaVersion} a second time`,
      );
    }
    const boundTo = aggregateTypeOf.get(copy.eventType);
    if (boundTo !== undefined && boundTo !== copy.aggregateType) {
      throw new InvalidArgumentError(
        `${argument}.aggregateType`,
        `binds ${copy.eventType} to ${copy.aggregateType}, but it is already bound to ${boundTo}`,
      );
    }
    let validate: ValidateFunction;
    try {
      validate = ajvFor(copy.schema).compile(copy.schema);
    } catch (cause) {
      throw new InvalidArgumentError(
        `${argument}.schema`,
        `does not compile: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    validators.set(key, validate);
    aggregateTypeOf.set(copy.eventType, copy.aggregateType);
    versionsOf.set(copy.eventType, [...(versionsOf.get(copy.eventType) ?? []), copy.schemaVersion]);
    stored.push(Object.freeze(copy));
  });
  Object.freeze(stored);

  return {
    definitions: () => stored,

    validate(stream: StreamRef, events: readonly PreparedEvent[]): void {
      const violations: EventViolation[] = [];
      events.forEach((event, index) => {
        const { eventType, schemaVersion } = event;
        const boundTo = aggregateTypeOf.get(eventType);
        if (boundTo === undefined) {
          if (unknownEventTypes === 'reject') {
            violations.push({ index, eventType, path: '', message: 'is not a registered event type' });
          }
          return;
        }
        if (boundTo !== stream.aggregateType) {
          violations.push({
            index,
            eventType,
            path: '',
            message: `belongs to aggregate type ${boundTo}, not ${stream.aggregateType}`,
          });
        }
        const validate = validators.get(keyOf(eventType, schemaVersion));
        if (validate === undefined) {
          const known = (versionsOf.get(eventType) ?? []).map((v) => `v${v}`).join(', ');
          violations.push({
            index,
            eventType,
            path: '',
            message: `schema version ${schemaVersion} is not registered (registered: ${known})`,
          });
          return;
        }
        if (!validate(event.eventData)) {
          for (const error of validate.errors ?? []) {
            violations.push({ index, eventType, path: pointerOf(error), message: messageOf(error) });
          }
        }
      });
      if (violations.length > 0) throw new EventValidationError(violations);
    },
  };
}

function validateFormats(formats: unknown): asserts formats is Readonly<Record<string, StringFormat>> {
  if (typeof formats !== 'object' || formats === null || Array.isArray(formats)) {
    throw new InvalidArgumentError('options.formats', 'must be an object of named formats');
  }
  for (const [name, format] of Object.entries(formats)) {
    if (!(format instanceof RegExp) && typeof format !== 'function') {
      throw new InvalidArgumentError(`options.formats.${name}`, 'must be a RegExp or (value) => boolean');
    }
  }
}

function configure<T extends AjvCore>(ajv: T, formats: Readonly<Record<string, StringFormat>>): T {
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
  return ajv;
}

function normalise(definition: EventTypeDefinition, argument: string): EventTypeDefinition {
  if (typeof definition !== 'object' || definition === null) {
    throw new InvalidArgumentError(argument, 'must be { eventType, aggregateType, schemaVersion, schema }');
  }
  assertIdentifier(definition.eventType, `${argument}.eventType`);
  assertIdentifier(definition.aggregateType, `${argument}.aggregateType`);
  assertPositiveInteger(definition.schemaVersion, `${argument}.schemaVersion`);
  const { schema, description } = definition;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new InvalidArgumentError(`${argument}.schema`, 'must be a JSON Schema object');
  }
  // Persisting adapters store the schema as JSON: it must survive the trip.
  assertJsonValue(schema, `${argument}.schema`);
  if (description !== undefined && typeof description !== 'string') {
    throw new InvalidArgumentError(`${argument}.description`, 'must be a string');
  }
  const copy = {
    eventType: definition.eventType,
    aggregateType: definition.aggregateType,
    schemaVersion: definition.schemaVersion,
    schema: structuredClone(schema),
  };
  return description === undefined ? copy : { ...copy, description };
}

const escapePointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The JSON Pointer of the offending value: for a missing or extra property, the property itself. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  const property =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties'
        ? (params.additionalProperty ??
          (error.params as { unevaluatedProperty?: unknown }).unevaluatedProperty)
        : undefined;
  return typeof property === 'string'
    ? `${error.instancePath}/${escapePointer(property)}`
    : error.instancePath;
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    return 'is not allowed';
  }
  return error.message ?? `fails ${error.keyword}`;
}
