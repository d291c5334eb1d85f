import { InvalidArgumentError } from '@chronicle/core';
import {
  defaultRoutingKey,
  type ExchangeDeclaration,
  type RabbitMqTransportOptions,
  type ResolvedTransportOptions,
} from './rabbitmq-options';

/** AMQP 0-9-1 short strings (exchange names, routing keys) hold at most 255 bytes. */
export const MAX_SHORT_STRING_BYTES = 255;
const EXCHANGE_TYPES: readonly string[] = ['topic', 'direct', 'fanout', 'headers'];

/** Validates the transport's options and fills in defaults; throws `InvalidArgumentError` on a malformed one. */
export function resolveTransportOptions(options: RabbitMqTransportOptions): ResolvedTransportOptions {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', 'must be an object with at least `url` and `exchange`');
  const url = parseUrl(options.url);
  const { name, declare } =
    typeof options.exchange === 'string'
      ? { name: options.exchange, declare: undefined }
      : (options.exchange ?? {});
  assertShortString(name, 'options.exchange');
  if (name === '')
    throw new InvalidArgumentError(
      'options.exchange',
      "must name an exchange; the default exchange ('') routes by queue name only",
    );
  if (declare !== undefined) assertDeclaration(declare);
  if (options.routingKey !== undefined && typeof options.routingKey !== 'function')
    throw new InvalidArgumentError('options.routingKey', 'must be a function (event) => string');
  return {
    url,
    exchange: name,
    declare,
    routingKey: options.routingKey ?? defaultRoutingKey,
    mandatory: optionalBoolean(options.mandatory, 'options.mandatory', true),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs, 'options.connectTimeoutMs', 10_000),
    heartbeatSeconds: positiveInteger(options.heartbeatSeconds, 'options.heartbeatSeconds', 10),
    connectionName: options.connectionName ?? 'chronicle-relay',
  };
}

/** Throws `InvalidArgumentError` unless `value` is a string AMQP can carry as a short string. */
export function assertShortString(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(argument, `must be a string, got ${typeof value}`);
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_SHORT_STRING_BYTES)
    throw new InvalidArgumentError(
      argument,
      `must be at most ${MAX_SHORT_STRING_BYTES} bytes of UTF-8, got ${bytes}`,
    );
}

function parseUrl(value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError('options.url', 'must be an amqp:// or amqps:// URL string');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      'options.url',
      'is not a URL; expected amqp://user:password@host:5672/vhost',
    );
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:')
    throw new InvalidArgumentError('options.url', `must use amqp:// or amqps://, got ${parsed.protocol}//`);
  return value;
}

function assertDeclaration(declare: ExchangeDeclaration): void {
  if (!EXCHANGE_TYPES.includes(declare.type))
    throw new InvalidArgumentError(
      'options.exchange.declare.type',
      `must be one of ${EXCHANGE_TYPES.join(', ')}`,
    );
  optionalBoolean(declare.durable, 'options.exchange.declare.durable', true);
  optionalBoolean(declare.autoDelete, 'options.exchange.declare.autoDelete', false);
}

function optionalBoolean(value: unknown, argument: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, 'must be true or false');
  return value;
}

function positiveInteger(value: unknown, argument: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new InvalidArgumentError(argument, 'must be a positive integer');
  return value;
}
