import type { DomainEvent } from '@chronicle/core';

/** How the relay declares its exchange when `exchange.declare` is set. */
export interface ExchangeDeclaration {
  /** The exchange type. `'topic'` suits the default `<aggregateType>.<eventType>` routing keys. */
  readonly type: 'topic' | 'direct' | 'fanout' | 'headers';
  /** Survives a broker restart. Default `true` (a relay's messages are persistent; a transient exchange would lose its bindings). */
  readonly durable?: boolean;
  /** Deleted by the broker when its last binding goes. Default `false`. */
  readonly autoDelete?: boolean;
  /** `x-` arguments, e.g. `{ 'alternate-exchange': 'unrouted' }`. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** Options of the RabbitMQ transport (and of `createRabbitMqRelay`, which adds the relay's own). */
export interface RabbitMqTransportOptions {
  /**
   * The broker: `amqp://user:password@host:5672/vhost` (or `amqps://`). Query parameters such as
   * `heartbeat` and `frameMax` pass to amqplib.
   */
  readonly url: string;
  /**
   * The exchange to publish to. By default it must already exist: `open()` checks it passively and
   * throws `RelayConfigurationError` when it does not. With `declare`, the relay declares it instead,
   * and an existing exchange of another type or durability is a `RelayConfigurationError` too.
   */
  readonly exchange: string | { readonly name: string; readonly declare?: ExchangeDeclaration };
  /**
   * The routing key of an event. Default `<aggregateType>.<eventType>` (e.g. `Order.OrderPlaced`), so a
   * topic exchange can bind `Order.*` or `*.OrderPlaced`. At most 255 bytes of UTF-8.
   */
  readonly routingKey?: (event: DomainEvent) => string;
  /**
   * Publish with the `mandatory` flag, so a message no queue receives comes back and the publish fails
   * with `RelayConfigurationError` — the relay stops in state `'failed'` before checkpointing it —
   * instead of vanishing.
   * Default `true`. Set `false` when dropping unroutable events is intended (or the exchange has an
   * alternate exchange).
   */
  readonly mandatory?: boolean;
  /** How long `open()` and each reconnection wait for the TCP connection, in ms. Default `10000`. */
  readonly connectTimeoutMs?: number;
  /** The AMQP heartbeat, in seconds: a dead peer is noticed after about two of them. Default `10`. */
  readonly heartbeatSeconds?: number;
  /** The connection's name in the management UI. Default `chronicle-relay`. */
  readonly connectionName?: string;
}

/** {@link RabbitMqTransportOptions} after validation, with every default filled in. */
export interface ResolvedTransportOptions {
  readonly url: string;
  readonly exchange: string;
  readonly declare: ExchangeDeclaration | undefined;
  readonly routingKey: (event: DomainEvent) => string;
  readonly mandatory: boolean;
  readonly connectTimeoutMs: number;
  readonly heartbeatSeconds: number;
  readonly connectionName: string;
}

/** The default routing key: `<aggregateType>.<eventType>`. */
export const defaultRoutingKey = (event: DomainEvent): string => `${event.aggregateType}.${event.eventType}`;
